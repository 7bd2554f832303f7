import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toRobotTemplate } from '../../helpers/messageContent';
import type { DingTalkClient } from '../../transport';
import { readOutgoingContent } from './media';
import { sendGroupMessage } from './send';

import { requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Open Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'cidXXXXXXXX==',
		description: 'The group conversation to post in. The robot must be a member of the group.',
		hint: 'The conversationId of a group message received by the DingTalk Trigger',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendToGroup'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const openConversationId = requiredString(this, 'openConversationId', i, 'Open Conversation ID');
	const content = await readOutgoingContent.call(this, client, i);
	const sent = await sendGroupMessage(client, openConversationId, toRobotTemplate(content));
	return { processQueryKey: sent.processQueryKey, openConversationId };
}
