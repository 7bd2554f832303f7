import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseIdList } from '../../helpers/lists';
import { toRobotTemplate } from '../../helpers/messageContent';
import type { DingTalkClient } from '../../transport';
import { readOutgoingContent } from './media';
import { sendUserMessages } from './send';
import { userIdsField } from './targets';

import { requiredList } from '../../../shared/parameters';

const properties: INodeProperties[] = [userIdsField];

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
