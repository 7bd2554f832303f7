import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { recallGroupMessages, recallUserMessages, MAX_KEYS_PER_RECALL } from '../../api/robot';
import { chunk, parseIdList } from '../../helpers/lists';
import type { DingTalkClient } from '../../transport';

import { requiredList, requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Sent To',
		name: 'chatType',
		type: 'options',
		options: [
			{
				name: 'Users (One-to-One)',
				value: 'direct',
				description: 'Messages sent with Send to Users or a direct-chat reply',
			},
			{
				name: 'Group',
				value: 'group',
				description: 'Messages sent with Send to Group or a group reply',
			},
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
		description:
			'The processQueryKey of each message to recall (as returned when it was sent), separated by commas. Messages older than 24 hours cannot be recalled.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['recall'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const keys = requiredList(this, 'processQueryKeys', i, 'Process Query Keys', parseIdList);
	const chatType = this.getNodeParameter('chatType', i) as 'direct' | 'group';
	const openConversationId =
		chatType === 'group'
			? requiredString(this, 'openConversationId', i, 'Open Conversation ID')
			: undefined;
	const recalled: string[] = [];
	const failed: IDataObject[] = [];
	for (const batch of chunk(keys, MAX_KEYS_PER_RECALL)) {
		const answer = openConversationId
			? await recallGroupMessages(client, openConversationId, batch)
			: await recallUserMessages(client, batch);
		recalled.push(...(answer.successResult ?? []));
		for (const [processQueryKey, reason] of Object.entries(answer.failedResult ?? {}))
			failed.push({ processQueryKey, reason });
	}
	return { chatType, ...(openConversationId ? { openConversationId } : {}), recalled, failed };
}
