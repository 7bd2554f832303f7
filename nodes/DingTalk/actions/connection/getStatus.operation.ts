import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DingTalkClient } from '../../transport';
import { isConnection, streamConnectionOf } from './lookup';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, client: DingTalkClient): Promise<IDataObject> {
	const connection = streamConnectionOf(client);
	return isConnection(connection) ? { found: true, ...connection.status() } : connection;
}
