import type { IBinaryKeyData, IDataObject, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { DingTalkClient } from '../transport';
import { mediaOf } from './events';

const EXTENSIONS: Record<string, string> = { picture: 'png', audio: 'amr', video: 'mp4', file: 'bin' };

/**
 * Downloads the files a message carries into n8n binary data (`media0`, `media1`, …) and lists them in `media`.
 * DingTalk hands out a short-lived download URL per downloadCode (POST /v1.0/robot/messageFiles/download).
 */
export async function attachMedia(
	context: ITriggerFunctions | IWebhookFunctions,
	client: DingTalkClient,
	item: IDataObject,
): Promise<{ json: IDataObject; binary?: IBinaryKeyData }> {
	const refs = mediaOf((item.raw ?? {}) as IDataObject);
	if (refs.length === 0) return { json: item };
	const binary: IBinaryKeyData = {};
	const media: IDataObject[] = [];
	for (const [index, ref] of refs.entries()) {
		const property = `media${index}`;
		try {
			const { downloadUrl } = await client.api<{ downloadUrl?: string }>('POST', '/v1.0/robot/messageFiles/download', {
				downloadCode: ref.downloadCode,
				robotCode: client.app.robotCode,
			});
			const response = (await context.helpers.httpRequest({
				url: String(downloadUrl),
				encoding: 'arraybuffer',
				returnFullResponse: true,
				timeout: 60_000,
			})) as { body: ArrayBuffer; headers: Record<string, string> };
			const data = Buffer.from(response.body);
			const fileName = ref.fileName ?? `${ref.type}-${index}.${EXTENSIONS[ref.type]}`;
			binary[property] = await context.helpers.prepareBinaryData(data, fileName, response.headers['content-type']);
			media.push({ type: ref.type, binaryProperty: property, fileName, size: data.length });
		} catch (error) {
			// The message still starts the run; the item says which file could not be fetched and why.
			media.push({ type: ref.type, downloadCode: ref.downloadCode, error: (error as Error).message });
		}
	}
	return { json: { ...item, media }, binary };
}
