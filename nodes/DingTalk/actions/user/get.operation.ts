import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { userLocator } from '../../descriptions/common';
import { getUser } from '../../api/directory';
import type { DingTalkClient } from '../../transport';

const properties: INodeProperties[] = [userLocator({ name: 'userId' })];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, client: DingTalkClient, i: number): Promise<IDataObject> {
	const userId = String(this.getNodeParameter('userId', i, '', { extractValue: true })).trim();
	if (!userId) throw new NodeOperationError(this.getNode(), '"User" is empty', { itemIndex: i });
	return await getUser(client, userId);
}
