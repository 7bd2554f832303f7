import { credentialIdentity } from '../transport/credentialIdentity';
import { StreamConnection, type StreamConnectionOptions } from './StreamConnection';

/**
 * The Stream connections of this n8n process, one per credential identity (gateway, Client ID and secret). Triggers
 * acquire and release; the action node's Connection operations look them up. A credential with the same Client ID
 * but another secret never joins or finds a connection it did not prove itself for: it opens its own, which the
 * gateway accepts or refuses. A copy of the credential (same secret) shares.
 */
const connections = new Map<string, StreamConnection>();

export function acquireStreamConnection(
	app: { clientId: string; clientSecret: string; apiBaseUrl: string },
	options: StreamConnectionOptions,
): StreamConnection {
	const key = credentialIdentity(app);
	let connection = connections.get(key);
	// A connection stays here until its last subscriber leaves (it stops and leaves): one stopped by Connection →
	// Disconnect keeps its triggers, so a new one joins it (its subscribe reconnects it for all) instead of opening a
	// second connection that Reconnect would find while the first triggers stayed cut off.
	if (!connection) {
		connection = new StreamConnection(app.clientId, app.clientSecret, options);
		connections.set(key, connection);
		const created = connection;
		created.on('disconnected', (reason: string) => {
			if (reason === 'stopped' && connections.get(key) === created) connections.delete(key);
		});
	}
	return connection;
}

/** The connection of this credential identity (`credentialIdentity`, as `DingTalkClient.identity` holds it). */
export function findStreamConnection(identity: string): StreamConnection | undefined {
	return connections.get(identity);
}
