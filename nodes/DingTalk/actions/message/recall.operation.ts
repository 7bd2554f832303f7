import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { chunk, parseIdList } from '../../helpers/lists';
import type { DingTalkClient } from '../../transport';

/** DingTalk's maximum processQueryKeys per recall call (documented for one-to-one; assumed for groups). */
const MAX_KEYS_PER_RECALL = 20;

const properties: INodeProperties[] = [
	{
		displayName: 'Sent To',
		name: 'chatType',
		type: 'options',
		options: [
			{ name: 'Users (One-to-One)', value: 'direct', description: 'Messages sent with Send to Users or a direct-chat reply' },
			{ name: 'Group', value: 'group', description: 'Messages sent with Send to Group or a group reply' },
		],
		default: 'direct',
	},
	{
		displayName: 'Open Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'cidXXXXXXXX==',
		displayOptions: { show: { chatType: ['group'] } },
	},
	{
		displayName: 'Process Query Keys',
		name: 'processQueryKeys',
		type: 'string',
		default: '',
		required: true,
		description: 'The processQueryKey of each message to recall (as returned when it was sent), separated by commas. Messages older than 24 hours cannot be recalled.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['recall'] } }, properties);

export async function execute(this: IExecuteFunctions, client: DingTalkClient, i: number): Promise<IDataObject> {
	const keys = parseIdList(this.getNodeParameter('processQueryKeys', i));
	if (keys.length === 0) throw new NodeOperationError(this.getNode(), '"Process Query Keys" is empty', { itemIndex: i });
	const chatType = this.getNodeParameter('chatType', i) as 'direct' | 'group';
	const openConversationId = chatType === 'group' ? String(this.getNodeParameter('openConversationId', i, '')).trim() : undefined;
	if (chatType === 'group' && !openConversationId) {
		throw new NodeOperationError(this.getNode(), '"Open Conversation ID" is empty', { itemIndex: i });
	}
	const recalled: string[] = [];
	const failed: IDataObject[] = [];
	for (const batch of chunk(keys, MAX_KEYS_PER_RECALL)) {
		const answer = await client.api<{ successResult?: string[]; failedResult?: Record<string, string> }>(
			'POST',
			chatType === 'group' ? '/v1.0/robot/groupMessages/recall' : '/v1.0/robot/otoMessages/batchRecall',
			chatType === 'group'
				? { robotCode: client.app.robotCode, openConversationId, processQueryKeys: batch }
				: { robotCode: client.app.robotCode, processQueryKeys: batch },
		);
		recalled.push(...(answer.successResult ?? []));
		for (const [processQueryKey, reason] of Object.entries(answer.failedResult ?? {})) failed.push({ processQueryKey, reason });
	}
	return { chatType, ...(openConversationId ? { openConversationId } : {}), recalled, failed };
}
