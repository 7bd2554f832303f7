import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DingTalkClient } from '../../transport';
import { isConnection, n8nProcessRole, streamConnectionOf } from './lookup';

export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
): Promise<IDataObject> {
	const connection = streamConnectionOf(client);
	return isConnection(connection)
		? { found: true, instance: n8nProcessRole(), ...connection.status() }
		: connection;
}
