import { WebSocket } from 'ws';

import { openStreamConnection } from '../api/gateway';
import type { DingTalkClient } from '../transport';
import { STREAM_TOPICS } from './frames';
import { STREAM_UA } from './StreamSdkClient';

/**
 * Proves Stream mode works for an app without staying connected: register a connection (connections/open), complete
 * the WebSocket handshake with the ticket, close at once. Rejects with what failed.
 */
export async function probeStreamGateway(
	client: DingTalkClient,
	timeoutMs = 10_000,
): Promise<{ topics: string[] }> {
	const subscriptions = STREAM_TOPICS.map((topic) => ({ type: 'CALLBACK', topic }));
	const { endpoint, ticket } = await openStreamConnection(client, subscriptions, STREAM_UA);
	await new Promise<void>((resolve, reject) => {
		const socket = new WebSocket(`${endpoint}?ticket=${encodeURIComponent(ticket)}`, {
			handshakeTimeout: timeoutMs,
		});
		const fail = (message: string) => {
			socket.terminate();
			reject(new Error(`Stream gateway WebSocket handshake failed: ${message}`));
		};
		socket.on('open', () => {
			socket.close(1000, 'credential test');
			resolve();
		});
		socket.on('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode}`));
		socket.on('error', (error) => fail(error.message));
	});
	return { topics: [...STREAM_TOPICS] };
}
