import type { IDataObject } from 'n8n-workflow';

import { findStreamConnection } from '../../stream/registry';
import type { StreamConnection } from '../../stream/StreamConnection';
import type { DingTalkClient } from '../../transport';

/** The app's Stream connection in this n8n process, or the plain answer that there is none here. */
export function streamConnectionOf(client: DingTalkClient): StreamConnection | IDataObject {
	const connection = findStreamConnection(client.app.clientId, client.app.apiBaseUrl);
	if (connection) return connection;
	return {
		found: false,
		clientId: client.app.clientId,
		state: 'none',
		message: `No DingTalk Stream connection for app ${client.app.clientId} in this n8n process. It exists while a DingTalk Trigger (Stream mode) of this app is active in this process (in queue mode: on the main instance, not on workers).`,
	};
}

export const isConnection = (value: StreamConnection | IDataObject): value is StreamConnection => typeof (value as StreamConnection).status === 'function';
