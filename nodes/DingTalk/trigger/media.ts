import type {
	IBinaryKeyData,
	IDataObject,
	ITriggerFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { type Readable, Transform } from 'stream';

import { messageFileDownloadUrl } from '../api/media';
import type { DingTalkClient } from '../transport';
import { mediaOf } from '../pipeline/events';

const EXTENSIONS: Record<string, string> = {
	picture: 'png',
	audio: 'amr',
	video: 'mp4',
	file: 'bin',
};

/** Max Media Size's default, in MB. */
export const DEFAULT_MAX_MEDIA_MB = 20;

/** Bytes allowed per file for the trigger's Max Media Size option (MB; non-positive or missing → the default). */
export function maxMediaBytes(option: unknown): number {
	const mb = typeof option === 'number' && option > 0 ? option : DEFAULT_MAX_MEDIA_MB;
	return Math.floor(mb * 1024 * 1024);
}

/** Max Files per Message's default: a rich-text message with more pictures than this is rare in a chat. */
export const DEFAULT_MAX_MEDIA_FILES = 20;

/** Files downloaded per message for the trigger's Max Files per Message option (non-positive or missing → the default). */
export function maxMediaFiles(option: unknown): number {
	return typeof option === 'number' && option >= 1 ? Math.floor(option) : DEFAULT_MAX_MEDIA_FILES;
}

class MediaTooLargeError extends Error {
	constructor(maxBytes: number) {
		const mb = Math.round((maxBytes / 1024 / 1024) * 100) / 100;
		super(
			`The file is larger than Max Media Size (${mb} MB), so it was not downloaded. Raise Max Media Size in the trigger's options to receive it.`,
		);
	}
}

/** Passes bytes through until more than `maxBytes` went by, then fails (which stops the download). */
function capped(source: Readable, maxBytes: number): { stream: Readable; bytes: () => number } {
	let seen = 0;
	const counter = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			seen += chunk.length;
			if (seen > maxBytes) callback(new MediaTooLargeError(maxBytes));
			else callback(null, chunk);
		},
	});
	counter.on('error', () => source.destroy());
	source.on('error', (error) => counter.destroy(error));
	return { stream: source.pipe(counter), bytes: () => seen };
}

/**
 * Downloads the files a message carries into n8n binary data (`media0`, `media1`, …) and lists them in `media`.
 * DingTalk hands out a short-lived download URL per downloadCode (POST /v1.0/robot/messageFiles/download).
 * Each file is streamed into n8n's binary data (never held whole here) and stopped once it passes `maxBytes`.
 * At most `maxFiles` per message, in the order they appear: one rich-text message can reference thousands of
 * pictures, each an API call and a stored file. `mediaSkipped` says how many were left out and why.
 */
export async function attachMedia(
	context: ITriggerFunctions | IWebhookFunctions,
	client: DingTalkClient,
	item: IDataObject,
	maxBytes = maxMediaBytes(undefined),
	maxFiles = maxMediaFiles(undefined),
): Promise<{ json: IDataObject; binary?: IBinaryKeyData }> {
	const all = mediaOf((item.raw ?? {}) as IDataObject);
	if (all.length === 0) return { json: item };
	const refs = all.slice(0, maxFiles);
	const skipped =
		all.length > refs.length
			? {
					mediaSkipped: {
						count: all.length - refs.length,
						reason: `The message has ${all.length} files; Max Files per Message (${maxFiles}) downloads the first ${maxFiles}. Raise it in the trigger's options to receive more.`,
					},
				}
			: {};
	const binary: IBinaryKeyData = {};
	const media: IDataObject[] = [];
	for (const [index, ref] of refs.entries()) {
		const property = `media${index}`;
		try {
			const { downloadUrl } = await messageFileDownloadUrl(client, ref.downloadCode);
			const response = (await context.helpers.httpRequest({
				url: String(downloadUrl),
				encoding: 'stream',
				returnFullResponse: true,
				timeout: 60_000,
			})) as { body: Readable; headers: Record<string, string | undefined> };
			const fileName = ref.fileName ?? `${ref.type}-${index}.${EXTENSIONS[ref.type]}`;
			const declared = Number(response.headers['content-length']);
			if (declared > maxBytes) {
				response.body.destroy();
				throw new MediaTooLargeError(maxBytes);
			}
			const download = capped(response.body, maxBytes);
			binary[property] = await context.helpers.prepareBinaryData(
				download.stream,
				fileName,
				response.headers['content-type'],
			);
			media.push({ type: ref.type, binaryProperty: property, fileName, size: download.bytes() });
		} catch (error) {
			// The message still starts the run; the item says which file could not be fetched and why.
			const tooLarge = error instanceof MediaTooLargeError;
			media.push({
				type: ref.type,
				downloadCode: ref.downloadCode,
				...(ref.fileName ? { fileName: ref.fileName } : {}),
				error: (error as Error).message,
				...(tooLarge ? { tooLarge } : {}),
			});
		}
	}
	return { json: { ...item, media, ...skipped }, binary };
}
