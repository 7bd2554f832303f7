import type { IDataObject } from 'n8n-workflow';

import { findStreamConnection } from '../../stream/registry';
import type { StreamConnection } from '../../stream/StreamConnection';
import type { DingTalkClient } from '../../transport';

export type N8nProcessRole = 'main' | 'worker' | 'webhook';

/**
 * Which kind of n8n process runs this code. n8n starts queue-mode workers as `n8n worker` and webhook processes as
 * `n8n webhook`; neither runs triggers, so neither holds a Stream connection.
 */
export function n8nProcessRole(argv: string[] = process.argv): N8nProcessRole {
	const command = argv[2];
	return command === 'worker' || command === 'webhook' ? command : 'main';
}

/** The app's Stream connection in this n8n process, or the plain answer that there is none here (and where it is). */
export function streamConnectionOf(
	client: DingTalkClient,
	role: N8nProcessRole = n8nProcessRole(),
): StreamConnection | IDataObject {
	const connection = findStreamConnection(client.app.clientId, client.app.apiBaseUrl);
	if (connection) return connection;
	const elsewhere = role !== 'main';
	return {
		found: false,
		clientId: client.app.clientId,
		instance: role,
		state: elsewhere ? 'onMainInstance' : 'none',
		message: elsewhere
			? `This run is on an n8n queue-mode ${role}, which holds no DingTalk Stream connections: the ` +
				`connection of app ${client.app.clientId} lives on the main instance, which runs the ` +
				`active triggers. Watch it with the DingTalk Trigger's Connection Events output (its items ` +
				`carry the main instance's status), or run this operation in a manual execution from the ` +
				`editor (n8n 2.x runs those on main unless OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true).`
			: `No DingTalk Stream connection for app ${client.app.clientId} in this n8n process. It ` +
				`exists while a DingTalk Trigger (Stream mode) of this app is active in this process (in ` +
				`queue mode: on the main instance, not on workers).`,
	};
}

export const isConnection = (value: StreamConnection | IDataObject): value is StreamConnection =>
	typeof (value as StreamConnection).status === 'function';
