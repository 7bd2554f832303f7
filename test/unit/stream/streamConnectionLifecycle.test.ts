import * as net from 'node:net';

import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import {
	StreamConnection,
	type StreamConnectionOptions,
} from '../../../nodes/DingTalk/stream/StreamConnection';
import { fakeGatewayOpener, tupleLogger } from '../../support/streamConnection';
import { waitFor } from '../../support/waitFor';

const ROBOT = '/v1.0/im/bot/messages/get';
const OPEN = '/v1.0/gateway/connections/open';
const fixture = defaultFixture();
const app = fixture.apps[0];
/** A backoff no test waits out: a reconnect seen within waitFor's deadline was an immediate one. */
const SLOW_BACKOFF = { baseMs: 60_000, maxMs: 60_000 };

describe('StreamConnection lifecycle (status, reconnect, disconnect, stale connects)', () => {
	const fake = new FakeDingTalk(fixture);
	const connections: StreamConnection[] = [];
	const connect = (overrides: Partial<StreamConnectionOptions> = {}) => {
		const { lines, logger } = tupleLogger();
		const c = new StreamConnection(app.clientId, app.clientSecret, {
			openConnection: fakeGatewayOpener(fake),
			backoff: SLOW_BACKOFF,
			random: () => 0,
			logger,
			...overrides,
		});
		const emitted: Array<[string, unknown?]> = [];
		c.on('connected', () => emitted.push(['connected']));
		c.on('disconnected', (reason: string) => emitted.push(['disconnected', reason]));
		connections.push(c);
		return { c, lines, emitted };
	};
	const opens = () => fake.requestsTo(OPEN);
	const subscriptionsOf = (open: { body: unknown }) =>
		(open.body as { subscriptions: Array<{ type: string }> }).subscriptions.map((x) => x.type);
	const bot = async () => null;

	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		fake.gateway.drop();
		fake.reset();
	});
	afterEach(() => {
		for (const c of connections.splice(0)) c.stop();
	});

	describe('status() and what an admin reads in the log', () => {
		it('connected: logs "DingTalk Stream: connected" with the client id, emits connected, lists the topics', async () => {
			const { c, lines, emitted } = connect();
			await c.subscribe(bot);
			expect(emitted).toEqual([['connected']]);
			expect(lines).toContainEqual([
				'info',
				'DingTalk Stream: connected',
				{ clientId: app.clientId },
			]);
			expect(c.status()).toMatchObject({
				state: 'connected',
				connected: true,
				subscribedTopics: [ROBOT, '/v1.0/card/instances/callback'],
				subscribedEvents: false,
			});
		});

		it('Disconnect: logs "DingTalk Stream: disconnected on request", and the status no longer claims events', async () => {
			const { c, lines, emitted } = connect();
			await c.subscribe(bot, { wantsEvent: () => true });
			expect(c.status()).toMatchObject({ state: 'connected', subscribedEvents: true });
			c.disconnect();
			expect(emitted).toEqual([['connected'], ['disconnected', 'disconnected on request']]);
			expect(lines).toContainEqual([
				'info',
				'DingTalk Stream: disconnected on request',
				{ clientId: app.clientId },
			]);
			expect(c.status()).toMatchObject({
				state: 'stopped',
				connected: false,
				subscribedEvents: false,
				subscribers: 1,
			});
		});

		it('the last subscriber leaving logs "DingTalk Stream: stopped"', async () => {
			const { c, lines, emitted } = connect();
			await c.subscribe(bot);
			expect(c.unsubscribe(bot)).toBe(0);
			expect(emitted).toEqual([['connected'], ['disconnected', 'stopped']]);
			expect(lines).toContainEqual([
				'info',
				'DingTalk Stream: stopped',
				{ clientId: app.clientId },
			]);
		});
	});

	describe('reconnect()', () => {
		it('without subscribers does nothing: the state stays as it was', async () => {
			const { c, emitted } = connect();
			c.reconnect();
			expect(c.status().state).toBe('idle');
			await c.subscribe(bot);
			c.unsubscribe(bot);
			c.reconnect();
			expect(c.status().state).toBe('stopped');
			expect(emitted).toEqual([['connected'], ['disconnected', 'stopped']]);
			expect(opens()).toHaveLength(1);
		});

		it('on an open socket: says "reconnect requested" and opens a new socket at once, not after the backoff', async () => {
			const { c, lines, emitted } = connect();
			await c.subscribe(bot);
			c.reconnect();
			expect(emitted).toEqual([['connected'], ['disconnected', 'reconnect requested']]);
			expect(lines).toContainEqual([
				'warn',
				'DingTalk Stream: disconnected (reconnect requested)',
				{ clientId: app.clientId },
			]);
			await waitFor(() => emitted.length === 3);
			expect(emitted[2]).toEqual(['connected']);
			expect(c.status()).toMatchObject({ state: 'connected', reconnectCount: 1 });
			expect(opens()).toHaveLength(2);
		});

		it('after Disconnect: connects again with the same subscribers', async () => {
			const { c, emitted } = connect();
			await c.subscribe(bot);
			c.disconnect();
			c.reconnect();
			await waitFor(() => emitted.length === 3);
			expect(emitted[2]).toEqual(['connected']);
			expect(c.status()).toMatchObject({ state: 'connected', subscribers: 1 });
		});
	});

	describe('organisation-event subscriptions', () => {
		it('a second bot-only subscriber joins the open socket without a reconnect', async () => {
			const { c, emitted } = connect();
			await c.subscribe(bot);
			await c.subscribe(async () => null);
			expect(emitted).toEqual([['connected']]);
			expect(c.status()).toMatchObject({ state: 'connected', subscribers: 2 });
			const id = fake.gateway.pushCallback(ROBOT, { msgId: 'm1' });
			await waitFor(() => fake.gateway.acks.find((a) => a.messageId === id));
			expect(emitted).toEqual([['connected']]);
			expect(opens()).toHaveLength(1);
		});

		it('the first events subscriber on an open socket re-registers it at once, saying "organisation events on", then "off"', async () => {
			const { c, emitted, lines } = connect();
			await c.subscribe(bot);
			const events = async () => null;
			await c.subscribe(events, { wantsEvent: () => true });
			expect(emitted).toEqual([
				['connected'],
				['disconnected', 'subscriptions changed (organisation events on)'],
			]);
			expect(lines).toContainEqual([
				'warn',
				'DingTalk Stream: disconnected (subscriptions changed (organisation events on))',
				{ clientId: app.clientId },
			]);
			await waitFor(() => c.status().subscribedEvents);
			c.unsubscribe(events);
			expect(emitted[3]).toEqual([
				'disconnected',
				'subscriptions changed (organisation events off)',
			]);
			await waitFor(() => emitted.length === 5);
			expect(c.status()).toMatchObject({ state: 'connected', subscribedEvents: false });
			expect(opens().map(subscriptionsOf)).toEqual([
				['CALLBACK', 'CALLBACK'],
				['EVENT', 'CALLBACK', 'CALLBACK'],
				['CALLBACK', 'CALLBACK'],
			]);
		});

		it('an events subscriber while retrying changes nothing until the retry (no extra reconnect)', async () => {
			const { c, emitted } = connect();
			await c.subscribe(bot);
			fake.gateway.drop();
			await waitFor(() => c.status().state === 'retrying');
			await c.subscribe(async () => null, { wantsEvent: () => true });
			expect(emitted).toHaveLength(2);
			expect(emitted[1][1]).toMatch(/^socket closed/);
			expect(c.status().state).toBe('retrying');
		});

		it('an events subscriber that came while connecting: the new socket is reopened at once with EVENT', async () => {
			const { c, emitted } = connect();
			const first = c.subscribe(bot);
			await c.subscribe(async () => null, { wantsEvent: () => true });
			expect(emitted).toEqual([]);
			await first;
			expect(emitted).toEqual([
				['connected'],
				['disconnected', 'subscriptions changed while connecting'],
			]);
			await waitFor(() => c.status().subscribedEvents);
			expect(c.status().state).toBe('connected');
			expect(opens().map(subscriptionsOf)).toEqual([
				['CALLBACK', 'CALLBACK'],
				['EVENT', 'CALLBACK', 'CALLBACK'],
			]);
		});
	});

	describe('a connect that finishes after it was superseded', () => {
		it('Disconnect while connecting: the ticket that comes late opens no socket, nothing says connected', async () => {
			const { c, emitted } = connect();
			const before = fake.gateway.connections.length;
			const first = c.subscribe(bot);
			c.disconnect();
			// subscribe settles once the connect has returned: anything it were to open would be open by then.
			await first;
			expect(fake.requestsTo(OPEN)).toHaveLength(1);
			expect(emitted).toEqual([['disconnected', 'disconnected on request']]);
			expect(c.status()).toMatchObject({ state: 'stopped', connected: false, lastError: null });
			expect(fake.gateway.connections.length).toBe(before);
			expect(fake.gateway.liveConnections()).toHaveLength(0);
		});

		/** The first connect's ticket is held until `release`, so the newer connect opens its socket first. */
		const heldFirstTicket = () => {
			let release!: () => void;
			const held = new Promise<void>((resolve) => (release = resolve));
			let calls = 0;
			const open = fakeGatewayOpener(fake);
			const openConnection: StreamConnectionOptions['openConnection'] = async (subs, ua) => {
				if (calls++ === 0) await held;
				return await open(subs, ua);
			};
			return { openConnection, release };
		};

		it('Reconnect while connecting: the newer connect is the one kept, "connected" is said once', async () => {
			const { openConnection, release } = heldFirstTicket();
			const { c, emitted } = connect({ openConnection });
			const first = c.subscribe(bot);
			c.reconnect();
			await waitFor(() => c.status().state === 'connected');
			expect(emitted).toEqual([['disconnected', 'reconnect requested'], ['connected']]);
			release();
			await first;
			expect(emitted).toEqual([['disconnected', 'reconnect requested'], ['connected']]);
			expect(c.status()).toMatchObject({ state: 'connected', reconnectCount: 1 });
		});

		it('Reconnect while connecting: the late first ticket opens no socket, and callbacks on the kept one are ACKed', async () => {
			const { openConnection, release } = heldFirstTicket();
			const { c } = connect({ openConnection });
			const handled: string[] = [];
			const first = c.subscribe(async (callback) => {
				handled.push(callback.messageId);
				return null;
			});
			c.reconnect();
			await waitFor(() => c.status().state === 'connected');
			const sockets = fake.gateway.connections.length;
			release();
			await first;
			const id = fake.gateway.pushCallback(ROBOT, { msgId: 'after-late-ticket' });
			// Before the fix the late connect took the SDK's socket over and closed it: the kept socket still handed
			// callbacks on, but their ACKs had no socket to go to (DingTalk redelivers, card answers are lost).
			await fake.gateway.waitForAck(id, 5000);
			expect(handled).toContain(id);
			expect(fake.gateway.connections.length).toBe(sockets);
			expect(fake.gateway.liveConnections(app.clientId)).toHaveLength(1);
		});

		it('Reconnect during the first WebSocket handshake: the trigger stays subscribed and the newer connect is kept', async () => {
			// The first ticket points at a server that accepts the TCP connection and never answers the upgrade.
			const silent = net.createServer(() => undefined);
			const accepted = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
			await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
			const port = (silent.address() as net.AddressInfo).port;
			const open = fakeGatewayOpener(fake);
			let calls = 0;
			const { c, emitted } = connect({
				openConnection: async (subs, ua) =>
					calls++ === 0
						? { endpoint: `ws://127.0.0.1:${port}/connect`, ticket: 'never-answered' }
						: await open(subs, ua),
			});
			try {
				const first = c.subscribe(bot);
				await accepted;
				c.reconnect();
				// Before the fix the closed handshake failed the first subscribe (the trigger's activation) and its retry
				// pushed the newer connect back by the backoff (60 s here).
				await first;
				await waitFor(() => c.status().state === 'connected');
				expect(c.status()).toMatchObject({ subscribers: 1, lastError: null });
				expect(emitted).toEqual([['disconnected', 'reconnect requested'], ['connected']]);
			} finally {
				await new Promise((resolve) => silent.close(resolve));
			}
		});

		it('Disconnect then Reconnect while connecting: the late first connect is dropped, "connected" is said once', async () => {
			const { openConnection, release } = heldFirstTicket();
			const { c, emitted } = connect({ openConnection });
			const first = c.subscribe(bot);
			c.disconnect();
			c.reconnect();
			await waitFor(() => c.status().state === 'connected');
			expect(emitted).toEqual([['disconnected', 'disconnected on request'], ['connected']]);
			release();
			await first;
			expect(emitted).toEqual([['disconnected', 'disconnected on request'], ['connected']]);
			expect(c.status()).toMatchObject({ state: 'connected', reconnectCount: 1 });
		});
	});
});
