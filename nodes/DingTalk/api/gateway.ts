import { type DingTalkClient, DingTalkApiError } from '../transport';

/** POST /v1.0/gateway/connections/open: registers a Stream mode connection; the app's secret, not a token. */
export const OPEN_CONNECTION_PATH = '/v1.0/gateway/connections/open';

export interface StreamSubscription {
	type: string;
	topic: string;
}

export interface OpenConnectionRequest {
	clientId: string;
	clientSecret: string;
	subscriptions: StreamSubscription[];
	ua: string;
}

/** Where to open the WebSocket, and the one-use ticket for it (valid for 90 s). */
export interface StreamTicket {
	endpoint: string;
	ticket: string;
}

/** Also the credential test's gateway probe. Safe to repeat: an unused ticket just expires. */
export async function openStreamConnection(
	client: DingTalkClient,
	subscriptions: StreamSubscription[],
	ua: string,
): Promise<StreamTicket> {
	const request: OpenConnectionRequest = {
		clientId: client.app.clientId,
		clientSecret: client.app.clientSecret,
		subscriptions,
		ua,
	};
	const answer = await client.withoutToken<Partial<StreamTicket>>(
		'POST',
		OPEN_CONNECTION_PATH,
		request,
		{ idempotent: true },
	);
	if (!answer?.endpoint || !answer.ticket) {
		throw new DingTalkApiError({
			code: 'INVALID_RESPONSE',
			dingTalkMessage: 'The Stream gateway answered without an endpoint or ticket',
			kind: 'invalidResponse',
			endpoint: OPEN_CONNECTION_PATH,
		});
	}
	return { endpoint: answer.endpoint, ticket: answer.ticket };
}
