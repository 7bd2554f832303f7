import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DingTalkClient } from '../../transport';
import { isConnection, n8nProcessRole, streamConnectionOf } from './lookup';

export const description: INodeProperties[] = [];

/** Closes the socket until Connection → Reconnect; active triggers stay subscribed but receive nothing meanwhile. */
export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
): Promise<IDataObject> {
	const connection = streamConnectionOf(client);
	if (!isConnection(connection)) return connection;
	connection.disconnect();
	return { found: true, instance: n8nProcessRole(), action: 'disconnect', ...connection.status() };
}
