import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { streamCardContent } from '../../helpers/cardStreaming';
import type { DingTalkClient } from '../../transport';

import { requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Out Track ID',
		name: 'outTrackId',
		type: 'string',
		default: '',
		required: true,
		description: 'The AI card to write into, as returned by Card → Send',
	},
	{
		displayName: 'Field',
		name: 'key',
		type: 'string',
		default: 'content',
		required: true,
		description:
			"The card variable that receives the streamed text (the AI card template's streaming field)",
	},
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'The text to write',
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		options: [
			{ name: 'Append', value: 'append', description: 'Add the content to what the field shows' },
			{ name: 'Replace', value: 'replace', description: 'Show only this content' },
		],
		default: 'append',
	},
	{
		displayName: 'Finish',
		name: 'isFinalize',
		type: 'boolean',
		default: false,
		description: 'Whether this is the last update: the card stops showing that it is typing',
	},
	{
		displayName: 'Failed',
		name: 'isError',
		type: 'boolean',
		default: false,
		description: 'Whether to mark the answer as failed',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['card'], operation: ['streamContent'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const outTrackId = requiredString(this, 'outTrackId', i, 'Out Track ID');
	const key = String(this.getNodeParameter('key', i, 'content')).trim() || 'content';
	const content = String(this.getNodeParameter('content', i, '') ?? '');
	const isFull = this.getNodeParameter('mode', i, 'append') === 'replace';
	const isFinalize = this.getNodeParameter('isFinalize', i, false) as boolean;
	const isError = this.getNodeParameter('isError', i, false) as boolean;
	const { guid } = await streamCardContent(client, {
		outTrackId,
		key,
		content,
		isFull,
		isFinalize,
		isError,
	});
	return { outTrackId, key, guid, mode: isFull ? 'replace' : 'append', isFinalize, isError };
}
