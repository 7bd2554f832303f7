import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { MEDIA_LIMITS, type MediaType, uploadMedia } from '../../api/media';
import type { DingTalkClient } from '../../transport';
import { binaryMediaFile } from './binaryFile';

import { requiredString } from '../../../shared/parameters';

const limitText = (type: MediaType) =>
	`at most ${MEDIA_LIMITS[type].maxBytes / (1024 * 1024)} MB; ${MEDIA_LIMITS[type].extensions.join(', ')}`;

const properties: INodeProperties[] = [
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		options: [
			{ name: 'Image', value: 'image', description: `A picture (${limitText('image')})` },
			{ name: 'Voice', value: 'voice', description: `A recording (${limitText('voice')})` },
			{ name: 'Video', value: 'video', description: `A video (${limitText('video')})` },
			{ name: 'File', value: 'file', description: `A document (${limitText('file')})` },
		],
		default: 'file',
		description: 'What DingTalk stores the file as; it decides the size and type limits',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'The name of the input binary field holding the file to upload',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['media'], operation: ['upload'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const type = this.getNodeParameter('mediaType', i) as MediaType;
	const property = requiredString(this, 'binaryPropertyName', i, 'Input Binary Field');
	const file = await binaryMediaFile(this, i, property);
	const answer = await uploadMedia(client, type, file);
	return {
		mediaId: answer.media_id,
		type: answer.type ?? type,
		createdAt: answer.created_at ?? null,
		fileName: file.fileName,
		size: file.size,
	};
}
