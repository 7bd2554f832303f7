/**
 * StreamSdkClient, our subclass of the official dingtalk-stream SDK client, driven directly against the fake Stream
 * gateway (real sockets): what it subscribes, how it opens, refuses, reports and closes a socket, what it emits for
 * each frame, and what it leaves to StreamConnection (no retry loop, no console output).
 */
import { createServer } from 'net';

import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import { openStreamConnection } from '../../../nodes/DingTalk/api/gateway';
import { MAX_FRAME_BYTES } from '../../../nodes/DingTalk/stream/frames';
import {
	type OpenConnection,
	StreamSdkClient,
} from '../../../nodes/DingTalk/stream/StreamSdkClient';
import { AccessTokenCache, axiosSender, DingTalkClient } from '../../../nodes/DingTalk/transport';
import { DEFAULT_WAIT_MS, waitFor } from '../../support/waitFor';

const ROBOT = '/v1.0/im/bot/messages/get';
const fixture = defaultFixture();
const app = fixture.apps[0];
const EVENTS = ['open', 'close', 'socket-error', 'pong', 'frame-error', 'event', 'callback'];

/** Rejects when `promise` is still pending after the deadline (a refusal that never comes fails in seconds). */
const within = async <T>(promise: Promise<T>, ms = DEFAULT_WAIT_MS): Promise<T> =>
	await Promise.race([
		promise,
		new Promise<never>((_resolve, reject) =>
			setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms).unref(),
		),
	]);

/** A local port nothing listens on. */
const closedPort = async (): Promise<number> => {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
};

describe('StreamSdkClient against the fake gateway', () => {
	const fake = new FakeDingTalk(fixture);
	const clients: StreamSdkClient[] = [];
	const gatewayOpen: OpenConnection = async (subs, ua) => {
		const client = new DingTalkClient(fake.appConfig(), axiosSender, {
			tokenCache: new AccessTokenCache(),
			retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
		});
		return await openStreamConnection(client, subs, ua);
	};
	/** A client and everything it emitted, in order. */
	const newClient = (openConnection: OpenConnection = gatewayOpen) => {
		const client = new StreamSdkClient(app.clientId, app.clientSecret, openConnection);
		const emitted: Array<[string, ...unknown[]]> = [];
		for (const name of EVENTS)
			client.on(name, (...args: unknown[]) => emitted.push([name, ...args]));
		clients.push(client);
		return { client, emitted, names: () => emitted.map(([name]) => name) };
	};
	const connected = async (openConnection?: OpenConnection) => {
		const made = newClient(openConnection);
		await made.client.getEndpoint();
		await within(made.client._connect());
		const live = fake.gateway.liveConnections();
		return { ...made, gateway: live[live.length - 1] };
	};
	const frame = (type: string, headers: Record<string, string>, data = '') =>
		JSON.stringify({ specVersion: '1.0', type, headers, data });

	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		fake.gateway.drop();
		fake.reset();
	});
	afterEach(() => {
		jest.restoreAllMocks();
		for (const c of clients.splice(0)) c.disconnect();
	});

	describe('what it subscribes', () => {
		it('opens with the CALLBACK topics only, until the owner asks for events', async () => {
			const seen: Array<Array<{ type: string; topic: string }>> = [];
			const { client } = newClient(
				async (subs, ua) => (seen.push(subs), await gatewayOpen(subs, ua)),
			);
			expect(client.eventsRequested).toBe(false);
			await client.getEndpoint();
			expect(seen[0].map((s) => s.type)).toEqual(['CALLBACK', 'CALLBACK']);
			expect(seen[0].map((s) => s.topic)).toContain(ROBOT);
		});

		it('ACKs an EVENT SUCCESS at once and hands none on when events were not asked for', async () => {
			const { gateway, names } = await connected();
			fake.gateway.sendRaw(
				gateway,
				frame('EVENT', { messageId: 'evt-unasked', topic: '*', eventType: 'user_add_org' }, '{}'),
			);
			const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === 'evt-unasked'));
			expect(ack).toMatchObject({ code: 200, data: { status: 'SUCCESS', message: 'success' } });
			expect(names()).not.toContain('event');
		});
	});

	describe('opening the socket', () => {
		it("emits 'open' once and is connected", async () => {
			const { client, names } = await connected();
			expect(names()).toEqual(['open']);
			expect(client.connected).toBe(true);
			expect(client.webSocket?.readyState).toBe(1);
		});

		it('rejects with the HTTP status when the gateway refuses the upgrade, and reports no close', async () => {
			const { client, names } = newClient(async (subs, ua) => ({
				...(await gatewayOpen(subs, ua)),
				ticket: 'not-a-ticket-the-gateway-issued',
			}));
			await client.getEndpoint();
			await expect(within(client._connect())).rejects.toThrow(
				/^Stream gateway refused the WebSocket \(HTTP 401\)$/,
			);
			const socket = client.webSocket;
			await waitFor(() => socket?.readyState === 3);
			expect(names()).toEqual([]);
			expect(client.connected).toBe(false);
		});

		it('rejects with the network error when nothing listens, and reports no socket error or close', async () => {
			const port = await closedPort();
			const { client, names } = newClient(async () => ({
				endpoint: `ws://127.0.0.1:${port}/connect`,
				ticket: 't',
			}));
			await client.getEndpoint();
			await expect(within(client._connect())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
			const socket = client.webSocket;
			await waitFor(() => socket?.readyState === 3);
			expect(names()).toEqual([]);
		});

		it('leaves retrying to its owner: a failed connect() does not start the SDK 1 s retry loop', async () => {
			let opens = 0;
			const { client } = newClient(async () => {
				opens++;
				throw new Error('gateway down');
			});
			jest.useFakeTimers();
			try {
				await client.connect();
				jest.advanceTimersByTime(10_000);
				await Promise.resolve();
				expect(opens).toBe(1);
			} finally {
				jest.useRealTimers();
			}
		});
	});

	describe('an open socket', () => {
		it("emits 'pong' for the gateway's answer to a ping", async () => {
			const { client, names } = await connected();
			client.webSocket?.ping();
			await waitFor(() => names().includes('pong'));
		});

		it('answers a SYSTEM ping without writing to the console', async () => {
			const { gateway } = await connected();
			const written = ['log', 'info', 'warn', 'error', 'debug'].map((level) =>
				jest.spyOn(console, level as 'log').mockImplementation(() => undefined),
			);
			const id = fake.gateway.sendPing(gateway, '00000000-0000-4000-8000-000000000001');
			const echo = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === id));
			expect(echo).toMatchObject({
				code: 200,
				data: { opaque: '00000000-0000-4000-8000-000000000001' },
			});
			expect(written.map((spy) => spy.mock.calls)).toEqual([[], [], [], [], []]);
		});

		it("reports a frame it cannot use as 'frame-error' with the problem, and keeps the socket", async () => {
			const { client, gateway, emitted } = await connected();
			fake.gateway.sendRaw(gateway, '[]');
			await waitFor(() => emitted.some(([name]) => name === 'frame-error'));
			expect(emitted.slice(1)).toEqual([['frame-error', 'frame is not an object']]);
			expect(client.webSocket?.readyState).toBe(1);
		});

		it.each([
			['an Error', new Error('listener broke'), 'frame handling failed: listener broke'],
			['null', null, 'frame handling failed: unknown error'],
		])(
			"reports a callback listener throwing %s as 'frame-error', and carries on",
			async (_label, thrown, problem) => {
				const { client, emitted } = await connected();
				let throws = true;
				client.on('callback', () => {
					if (throws) throw thrown;
				});
				fake.gateway.pushCallback(ROBOT, { msgId: 'm1' });
				await waitFor(() => emitted.some(([name]) => name === 'frame-error'));
				expect(emitted.filter(([name]) => name === 'frame-error')).toEqual([
					['frame-error', problem],
				]);
				throws = false;
				fake.gateway.pushCallback(ROBOT, { msgId: 'm2' });
				await waitFor(() => emitted.filter(([name]) => name === 'callback').length === 2);
				expect(client.webSocket?.readyState).toBe(1);
			},
		);

		it("reports a socket error after opening as 'socket-error', then 'close'", async () => {
			const { client, gateway, emitted } = await connected();
			fake.gateway.sendRaw(gateway, `"${'x'.repeat(MAX_FRAME_BYTES)}"`);
			await waitFor(() => emitted.some(([name]) => name === 'close'));
			expect(emitted.map(([name]) => name)).toEqual(['open', 'socket-error', 'close']);
			expect((emitted[1][1] as Error).message).toBe('Max payload size exceeded');
			// ws sent 1009 to the gateway and stopped reading: the close it reports is 1006 (no close frame read).
			expect(emitted[2].slice(1)).toEqual([1006, '']);
			expect(client.connected).toBe(false);
		});

		it("reports the gateway dropping it as 'close', and is neither connected nor registered", async () => {
			const { client, gateway, emitted } = await connected();
			fake.gateway.sendRaw(gateway, frame('SYSTEM', { messageId: 'r1', topic: 'REGISTERED' }));
			await waitFor(() => client.registered);
			fake.gateway.drop();
			await waitFor(() => emitted.some(([name]) => name === 'close'));
			expect(emitted).toEqual([['open'], ['close', 1006, '']]);
			expect(client.connected).toBe(false);
			expect(client.registered).toBe(false);
		});

		it("reports no 'close' for an earlier socket it has moved on from", async () => {
			const { client, gateway: first, names } = await connected();
			const firstSocket = client.webSocket;
			await client.getEndpoint();
			await within(client._connect());
			expect(client.webSocket).not.toBe(firstSocket);
			first.socket.terminate();
			await waitFor(() => firstSocket?.readyState === 3);
			expect(names()).toEqual(['open', 'open']);
		});
	});

	describe('disconnect', () => {
		it("closes the socket at once, is no longer connected, and reports no 'close'", async () => {
			const { client, gateway, names } = await connected();
			const socket = client.webSocket;
			client.disconnect();
			expect(client.connected).toBe(false);
			expect(client.webSocket).toBeUndefined();
			await waitFor(() => socket?.readyState === 3 && gateway.closedAt !== undefined);
			expect(names()).toEqual(['open']);
		});
	});
});
