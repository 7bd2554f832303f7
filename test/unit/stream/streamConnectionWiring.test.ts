/**
 * StreamConnection's wiring of the SDK client's events (what an admin reads in n8n's log, what a trigger's
 * Connection Events items and Connection → Get Status report) and `subscribe` (the first subscriber starts the
 * connection; a failure of the first leaves a second, joined meanwhile, connected). Against the fake gateway over
 * real sockets, with a recording logger.
 */
import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import type { GatewayConnection } from '../../fake-dingtalk/StreamGateway';
import {
	type CallbackHandler,
	StreamConnection,
	type StreamConnectionOptions,
} from '../../../nodes/DingTalk/stream/StreamConnection';
import { fakeGatewayOpener, type LogLine, recordingLogger } from '../../support/streamConnection';
import { waitFor } from '../../support/waitFor';

const ROBOT = '/v1.0/im/bot/messages/get';
const OPEN = '/v1.0/gateway/connections/open';
const fixture = defaultFixture();
const app = fixture.apps[0];

describe('StreamConnection: the SDK events wired in the constructor, and subscribe', () => {
	const fake = new FakeDingTalk(fixture);
	const connections: StreamConnection[] = [];
	const log = { lines: [] as LogLine[] };
	const connect = (overrides: Partial<StreamConnectionOptions> = {}) => {
		const recording = recordingLogger();
		log.lines = recording.lines;
		const c = new StreamConnection(app.clientId, app.clientSecret, {
			openConnection: fakeGatewayOpener(fake),
			backoff: { baseMs: 20, maxMs: 200 },
			logger: recording.logger,
			...overrides,
		});
		connections.push(c);
		return c;
	};
	const reasons = (c: StreamConnection) => {
		const seen: string[] = [];
		c.on('disconnected', (reason: string) => seen.push(reason));
		return seen;
	};
	const otherSocket = (than: GatewayConnection) =>
		waitFor(() => fake.gateway.liveConnections().find((x) => x.id !== than.id));
	const subscriptionsOf = (open: { body: unknown }) =>
		(open.body as { subscriptions: Array<{ type: string }> }).subscriptions.map((x) => x.type);
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		fake.gateway.drop();
		fake.reset();
		fake.gateway.redeliveryMs = 2000;
	});
	afterEach(() => {
		for (const c of connections.splice(0)) c.stop();
	});

	describe('socket events an admin reads about', () => {
		it('a socket the gateway closes is reported with its code and reason, or its code alone', async () => {
			const c = connect();
			const seen = reasons(c);
			await c.subscribe(async () => null);
			const [first] = fake.gateway.liveConnections();
			first.socket.close(4000, 'maintenance');
			const second = await otherSocket(first);
			second.socket.close(4001);
			await otherSocket(second);
			expect(seen.slice(0, 2)).toEqual([
				'socket closed (4000: maintenance)',
				'socket closed (4001)',
			]);
			expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(
				expect.arrayContaining([
					'DingTalk Stream: disconnected (socket closed (4000: maintenance))',
					'DingTalk Stream: disconnected (socket closed (4001))',
				]),
			);
		});

		it('a socket error (a frame over maxPayload) is the status lastError and an error-status event', async () => {
			const c = connect();
			const problems: string[] = [];
			c.on('error-status', (message: string) => problems.push(message));
			await c.subscribe(async () => null);
			const [first] = fake.gateway.liveConnections();
			fake.gateway.sendRaw(first, `"${'x'.repeat(1024 * 1024)}"`);
			await otherSocket(first);
			expect(problems).toEqual(['socket error: Max payload size exceeded']);
			expect(c.status().lastError).toBe('socket error: Max payload size exceeded');
			expect(log.lines).toContainEqual({
				level: 'warn',
				message: 'DingTalk Stream: socket error: Max payload size exceeded',
				meta: { clientId: app.clientId },
			});
		});

		it('a bad frame is logged as ignored, naming the problem and the app, and the socket carries on', async () => {
			const c = connect();
			await c.subscribe(async () => null);
			const [socket] = fake.gateway.liveConnections();
			fake.gateway.sendRaw(socket, '{"type":');
			const id = fake.gateway.pushCallback(ROBOT, { msgId: 'after-bad-frame' });
			await waitFor(() => fake.gateway.acks.some((a) => a.messageId === id));
			expect(log.lines).toContainEqual({
				level: 'warn',
				message: 'DingTalk Stream: ignored a bad frame (frame is not JSON)',
				meta: { clientId: app.clientId },
			});
			expect(fake.gateway.liveConnections()).toEqual([socket]);
		});

		it('SYSTEM disconnect: logged, reported with its reason, and a new socket at once (not after the backoff)', async () => {
			// The backoff would wait 30 s: only an immediate reconnect meets waitFor's deadline.
			const c = connect({ backoff: { baseMs: 30_000, maxMs: 30_000 }, random: () => 1 });
			const seen = reasons(c);
			await c.subscribe(async () => null);
			const [first] = fake.gateway.liveConnections();
			fake.gateway.sendDisconnect(first, 10_000);
			await otherSocket(first);
			expect(seen).toEqual(['gateway sent SYSTEM disconnect']);
			expect(log.lines).toContainEqual({
				level: 'info',
				message: 'DingTalk Stream: gateway asked to reconnect (SYSTEM disconnect)',
				meta: { clientId: app.clientId },
			});
			expect(log.lines).toContainEqual({
				level: 'warn',
				message: 'DingTalk Stream: disconnected (gateway sent SYSTEM disconnect)',
				meta: { clientId: app.clientId },
			});
			await waitFor(() => c.status().state === 'connected');
			expect(c.status().reconnectCount).toBe(1);
		});

		it('a socket that answers the keep-alive pings is kept: pings go on, nothing is reported', async () => {
			const c = connect({ keepAliveIntervalMs: 250 });
			const seen = reasons(c);
			await c.subscribe(async () => null);
			const [socket] = fake.gateway.liveConnections();
			let pings = 0;
			socket.socket.on('ping', () => pings++);
			// Without the pong resetting the wait, the second tick would drop this socket before a third ping.
			await waitFor(() => pings >= 4);
			expect(seen).toEqual([]);
			expect(fake.gateway.liveConnections()).toEqual([socket]);
			expect(c.status()).toMatchObject({ state: 'connected', reconnectCount: 0 });
		});
	});

	describe('failures of the handling itself (the last-resort catch) are logged, never unhandled', () => {
		/** An answer whose field throws when read (merging two answers reads every field). */
		const unreadable = (thrown: unknown) =>
			Object.defineProperty({}, 'cardData', {
				enumerable: true,
				get() {
					throw thrown;
				},
			});

		it.each([
			[new Error('answer unreadable'), 'answer unreadable'],
			[undefined, 'undefined'],
		])(
			'a callback whose two answers cannot be merged (thrown: %p): "callback handling failed"',
			async (thrown, shown) => {
				const c = connect();
				await c.subscribe(async () => ({ cardData: { a: '1' } }));
				await c.subscribe(async () => unreadable(thrown));
				fake.gateway.pushCallback('/v1.0/card/instances/callback', { outTrackId: 'o1' });
				const line = await waitFor(() => log.lines.find((l) => l.level === 'error'));
				expect(line).toEqual({
					level: 'error',
					message: `DingTalk Stream: callback handling failed: ${shown}`,
					meta: { clientId: app.clientId },
				});
			},
		);

		it.each([
			[new Error('filter broke'), 'filter broke'],
			[null, 'undefined'],
		])(
			'an event whose subscriber filter throws (%p): "event handling failed"',
			async (thrown, shown) => {
				const c = connect();
				await c.subscribe(async () => null, {
					wantsEvent: () => {
						throw thrown;
					},
				});
				fake.gateway.pushEvent('user_add_org', { userId: ['u1'] });
				const line = await waitFor(() => log.lines.find((l) => l.level === 'error'));
				expect(line).toEqual({
					level: 'error',
					message: `DingTalk Stream: event handling failed: ${shown}`,
					meta: { clientId: app.clientId },
				});
			},
		);
	});

	describe('subscribe', () => {
		it('a subscriber after the last one left (stopped) starts the connection again', async () => {
			const c = connect();
			const first: CallbackHandler = async () => null;
			await c.subscribe(first);
			expect(c.unsubscribe(first)).toBe(0);
			expect(c.status().state).toBe('stopped');
			await waitFor(() => fake.gateway.liveConnections().length === 0);
			const seen: unknown[] = [];
			await c.subscribe(async (callback) => (seen.push(callback.messageId), null));
			expect(c.status()).toMatchObject({ state: 'connected', subscribers: 1 });
			expect(fake.gateway.liveConnections()).toHaveLength(1);
			const id = fake.gateway.pushCallback(ROBOT, { msgId: 'after-restart' });
			await waitFor(() => fake.gateway.acks.some((a) => a.messageId === id));
			expect(seen).toEqual([id]);
		});

		it('the first subscriber failing to connect rejects it; one that joined meanwhile is connected by a retry, with its own subscriptions', async () => {
			const c = connect();
			fake.injectFault({ path: OPEN, kind: 'serverError', times: 1 });
			const starting = c.subscribe(async () => null, { wantsEvent: () => true });
			const seen: unknown[] = [];
			await c.subscribe(async (callback) => (seen.push(callback.messageId), null));
			// DingTalk's error, for the trigger to show; the joined subscriber is not told (it is connected by the retry).
			await expect(starting).rejects.toMatchObject({ code: 'unknownError', kind: 'server' });
			await waitFor(() => c.status().state === 'connected');
			expect(c.status()).toMatchObject({ subscribers: 1, eventSubscribers: 0 });
			const opens = fake.requestsTo(OPEN);
			expect(opens.map((r) => r.status)).toEqual([500, 200]);
			expect(opens.map(subscriptionsOf)).toEqual([
				['EVENT', 'CALLBACK', 'CALLBACK'],
				['CALLBACK', 'CALLBACK'],
			]);
			const id = fake.gateway.pushCallback(ROBOT, { msgId: 'joined' });
			await waitFor(() => fake.gateway.acks.some((a) => a.messageId === id));
			expect(seen).toEqual([id]);
		});
	});
});
