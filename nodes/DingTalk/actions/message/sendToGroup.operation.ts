import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { toRobotTemplate } from '../../helpers/messageContent';
import type { DingTalkClient } from '../../transport';
import { readOutgoingContent } from './media';
import { sendGroupMessage } from './send';
import { openConversationIdField } from './targets';

import { requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [openConversationIdField];

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
