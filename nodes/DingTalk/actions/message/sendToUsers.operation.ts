import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseIdList } from '../../helpers/lists';
import { toRobotTemplate } from '../../helpers/messageContent';
import type { DingTalkClient } from '../../transport';
import { readOutgoingContent } from './media';
import { sendUserMessages } from './send';

import { requiredList } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'manager1234, user5678',
		description:
			'Staff user IDs to notify, separated by commas or new lines, or an expression giving an array. Any number: they are sent in batches of 20.',
		hint: 'Find user IDs with the User → List operation, or in the DingTalk admin console under Contacts',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendToUsers'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const userIds = requiredList(this, 'userIds', i, 'User IDs', parseIdList);
	const content = await readOutgoingContent.call(this, client, i);
	const result = await sendUserMessages(client, userIds, toRobotTemplate(content));
	const output: IDataObject = {
		processQueryKey: result.processQueryKeys[0] ?? null,
		...result,
	};
	if (result.invalidUserIds.length) {
		output.warning = `${result.invalidUserIds.length} user ID(s) are unknown or outside the app's visible range and got nothing.`;
	}
	return output;
}
