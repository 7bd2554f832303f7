import type { IDataObject } from 'n8n-workflow';

import { findStreamConnection } from '../../stream/registry';
import type { StreamConnection } from '../../stream/StreamConnection';
import type { DingTalkClient } from '../../transport';
import {
	type CallbackSecrets,
	httpTriggerIdentity,
	httpTriggerStatuses,
} from '../../trigger/httpRegistry';

export type N8nProcessRole = 'main' | 'worker' | 'webhook';

/**
 * Which kind of n8n process runs this code. n8n starts queue-mode workers as `n8n worker` and webhook processes as
 * `n8n webhook`; neither runs triggers, so neither holds a Stream connection.
 */
export function n8nProcessRole(argv: string[] = process.argv): N8nProcessRole {
	const command = argv[2];
	return command === 'worker' || command === 'webhook' ? command : 'main';
}

/**
 * The Stream connection of the client's credential (its Client ID and secret: `DingTalkClient.identity`) in this n8n
 * process, or the plain answer that there is none here (and where it is). The answer is the same whether or not
 * another credential of the app has a connection here: it tells nothing about other users' bots.
 */
export function streamConnectionOf(
	client: DingTalkClient,
	role: N8nProcessRole = n8nProcessRole(),
): StreamConnection | IDataObject {
	const connection = findStreamConnection(client.identity);
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
				`carry the main instance's status), or ${RUN_ON_MAIN}`
			: `No DingTalk Stream connection for app ${client.app.clientId} in this n8n process. It ` +
				`exists while a DingTalk Trigger (Stream mode) with this credential's Client ID and Client Secret ` +
				`is active in this process (in queue mode: on the main instance, not on workers).`,
	};
}

/** Where a worker's run should go instead: both kinds of status live on the main instance. */
const RUN_ON_MAIN =
	'run this operation in a manual execution from the editor (n8n 2.x runs those on main unless ' +
	'OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true).';

/** Where DingTalk's Developer Console must send events for an HTTP-mode trigger (README → HTTP mode, step 2). */
export const RECOMMENDED_HTTP_EVENTS = [
	"Robot messages: the robot's message receiving mode set to HTTP, with the callback URL as its address",
	'Card callbacks: the callback URL as the Event Subscription request URL, and cards sent with Callback Type HTTP',
];

/**
 * Connection → Get Status with the HTTP credential: the active HTTP-mode triggers of this credential identity in this
 * process (callback URL, signatures, whether Token and AES Key are set and valid, last callback, last refusal,
 * counts), or the plain answer that there is none here and what to do; the same answer whether or not another
 * credential of the app has triggers here.
 */
export function httpStatusOf(
	client: DingTalkClient,
	callbackSecrets: CallbackSecrets,
	role: N8nProcessRole = n8nProcessRole(),
): IDataObject {
	const { clientId } = client.app;
	const triggers = httpTriggerStatuses(httpTriggerIdentity(client.app, callbackSecrets));
	const common = {
		mode: 'http',
		clientId,
		instance: role,
		recommendedEvents: RECOMMENDED_HTTP_EVENTS,
	};
	if (triggers.length) return { found: true, ...common, state: 'active', triggers };
	// Workers run no triggers and serve no webhooks; main (and `n8n webhook` processes) do.
	const elsewhere = role === 'worker';
	return {
		found: false,
		...common,
		state: elsewhere ? 'onMainInstance' : 'none',
		triggers: [],
		message: elsewhere
			? `This run is on an n8n queue-mode worker, which serves no DingTalk HTTP callbacks: the ` +
				`callbacks of app ${clientId} are served by the main instance (or your n8n webhook processes), ` +
				`which runs the active triggers. To see their status, ${RUN_ON_MAIN}`
			: `No active DingTalk Trigger in HTTP mode for app ${clientId} in this n8n process. Activate a ` +
				`workflow whose DingTalk Trigger has Mode "HTTP Callbacks" and this DingTalk HTTP API credential ` +
				`(or one with the same Client ID, Client Secret, Callback Token and AES Key); its Production URL is the callback URL to paste into DingTalk's Developer Console (in ` +
				`queue mode: the main instance serves the callbacks, or your n8n webhook processes; not workers).`,
	};
}

export const isConnection = (value: StreamConnection | IDataObject): value is StreamConnection =>
	typeof (value as StreamConnection).status === 'function';
