import { StreamConnection, type StreamConnectionOptions } from './StreamConnection';

/**
 * The Stream connections of this n8n process, one per app (Client ID and gateway). Triggers acquire and release;
 * the action node's Connection operations look them up.
 */
const connections = new Map<string, StreamConnection>();

const keyOf = (clientId: string, apiBaseUrl: string) => `${apiBaseUrl}|${clientId}`;

export function acquireStreamConnection(
	app: { clientId: string; clientSecret: string; apiBaseUrl: string },
	options: StreamConnectionOptions,
): StreamConnection {
	const key = keyOf(app.clientId, app.apiBaseUrl);
	let connection = connections.get(key);
	if (!connection || connection.status().state === 'stopped') {
		connection = new StreamConnection(app.clientId, app.clientSecret, options);
		connections.set(key, connection);
		const created = connection;
		created.on('disconnected', (reason: string) => {
			if (reason === 'stopped' && connections.get(key) === created) connections.delete(key);
		});
	}
	return connection;
}

export function findStreamConnection(
	clientId: string,
	apiBaseUrl: string,
): StreamConnection | undefined {
	return connections.get(keyOf(clientId, apiBaseUrl));
}
