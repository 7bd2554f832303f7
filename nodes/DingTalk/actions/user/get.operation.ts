import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { userLocator } from '../../descriptions/common';
import { getUser } from '../../api/directory';
import type { DingTalkClient } from '../../transport';

import { requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [userLocator({ name: 'userId' })];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const userId = requiredString(this, 'userId', i, 'User', { extractValue: true });
	return await getUser(client, userId);
}
