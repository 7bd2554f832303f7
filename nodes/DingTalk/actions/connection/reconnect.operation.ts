import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DingTalkClient } from '../../transport';
import { isConnection, n8nProcessRole, streamConnectionOf } from './lookup';

export const description: INodeProperties[] = [];

/** Drops the socket and connects again at once; also resumes a connection stopped with Disconnect. */
export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
): Promise<IDataObject> {
	const connection = streamConnectionOf(client);
	if (!isConnection(connection)) return connection;
	connection.reconnect();
	return { found: true, instance: n8nProcessRole(), action: 'reconnect', ...connection.status() };
}
