import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { credentialTypeOf, type DingTalkClient, HTTP_CREDENTIAL } from '../../transport';
import { callbackSecretsOf } from '../../trigger/httpRegistry';
import { httpStatusOf, isConnection, n8nProcessRole, streamConnectionOf } from './lookup';

export const description: INodeProperties[] = [];

/** Stream credential: the app's Stream connection. HTTP credential: the app's active HTTP-mode triggers. */
export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
): Promise<IDataObject> {
	if (credentialTypeOf(this) === HTTP_CREDENTIAL)
		return httpStatusOf(client, callbackSecretsOf(await this.getCredentials(HTTP_CREDENTIAL)));
	const connection = streamConnectionOf(client);
	return isConnection(connection)
		? { found: true, instance: n8nProcessRole(), ...connection.status() }
		: connection;
}
