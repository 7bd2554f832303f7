import { type IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import {
	checkMediaLimits,
	type MediaFile,
	type MediaType,
	mediaExtensionOf,
	uploadMedia,
} from '../../api/media';
import {
	type MessageContent,
	readDurationSeconds,
	readMessageContent,
} from '../../helpers/messageContent';
import type { DingTalkClient } from '../../transport';
import { binaryMediaFile } from '../media/binaryFile';

/** The message types whose content may come from an input binary field (uploaded first, then sent). */
export const MEDIA_MESSAGE_TYPES = ['image', 'file', 'voice', 'video'];

const BINARY = 'binaryPropertyName';
const BINARY_LABEL = 'Input Binary Field';

/** The message to send: from the fields, or, for a media type with "Binary Property" as its source, uploaded first. */
export async function readOutgoingContent(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<MessageContent> {
	const type = this.getNodeParameter('messageType', i) as string;
	const source = this.getNodeParameter('mediaSource', i, 'mediaId') as string;
	if (!MEDIA_MESSAGE_TYPES.includes(type) || source !== 'binary')
		return readMessageContent.call(this, i, client.app.language);

	const fileIn = async (parameter: string, label: string) => {
		const property = String(this.getNodeParameter(parameter, i, '') ?? '').trim();
		if (!property)
			throw new NodeOperationError(this.getNode(), `"${label}" is empty`, { itemIndex: i });
		return await binaryMediaFile(this, i, property);
	};
	const upload = async (file: MediaFile, mediaType: MediaType) =>
		(await uploadMedia(client, mediaType, file)).media_id;
	switch (type) {
		case 'image':
			return { type, photoUrl: await upload(await fileIn(BINARY, BINARY_LABEL), 'image') };
		case 'file': {
			const file = await fileIn(BINARY, BINARY_LABEL);
			return {
				type,
				mediaId: await upload(file, 'file'),
				fileName: file.fileName,
				fileType: mediaExtensionOf(file.fileName, file.mimeType),
			};
		}
		case 'voice': {
			const durationSeconds = readDurationSeconds.call(this, i);
			const mediaId = await upload(await fileIn(BINARY, BINARY_LABEL), 'voice');
			return { type, mediaId, durationSeconds };
		}
		default: {
			const durationSeconds = readDurationSeconds.call(this, i);
			const video = await fileIn(BINARY, BINARY_LABEL);
			const cover = await fileIn('coverBinaryPropertyName', 'Cover Picture Binary Field');
			// Both checked before either is sent: a refused cover must not cost a 20 MB video upload.
			checkMediaLimits('video', video);
			checkMediaLimits('image', cover);
			return {
				type: 'video',
				videoMediaId: await upload(video, 'video'),
				coverMediaId: await upload(cover, 'image'),
				durationSeconds,
			};
		}
	}
}
