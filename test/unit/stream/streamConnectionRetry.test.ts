/**
 * StreamConnection after a socket is lost: the backed-off retry (base·2^attempt capped at max, half fixed and half
 * random), the keep-alive that finds a dead socket, and an organisation event that cannot be read. Against the
 * fake gateway over real sockets, with a recording logger and a pinned `random`.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';

import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import { type GatewayConnection, systemDisconnectFrame } from '../../fake-dingtalk/StreamGateway';
import {
	StreamConnection,
	type StreamConnectionOptions,
} from '../../../nodes/DingTalk/stream/StreamConnection';
import { fakeGatewayOpener, tupleLogger } from '../../support/streamConnection';
import { waitFor } from '../../support/waitFor';

const OPEN = '/v1.0/gateway/connections/open';
const fixture = defaultFixture();
const app = fixture.apps[0];

/** A server-to-client WebSocket text frame (unmasked), as ws would write it. */
function textFrame(text: string): Buffer {
	const payload = Buffer.from(text);
	const length = payload.length;
	const header =
		length < 126
			? Buffer.from([0x81, length])
			: Buffer.from([0x81, 126, length >> 8, length & 0xff]);
	return Buffer.concat([header, payload]);
}

const orgEvent = (appId: string) =>
	JSON.stringify({
		specVersion: '1.0',
		type: 'EVENT',
		headers: {
			appId,
			contentType: 'application/json',
			time: String(Date.now()),
			topic: '*',
			eventType: 'user_add_org',
			eventId: randomUUID(),
			eventCorpId: 'dingfakecorp0001',
			eventBornTime: String(Date.now()),
			eventUnifiedAppId: appId,
			messageId: `late_${Date.now().toString(16)}_evt`,
		},
		data: '{}',
	});

/**
 * Frames the client reads in one chunk: ws hands on every frame of a chunk, even those after a frame whose handling
 * closed the socket (they reach the client after its socket was dropped).
 */
function writeInOneChunk(connection: GatewayConnection, frames: string[]): void {
	const raw = (connection.socket as unknown as { _socket: Duplex })._socket;
	raw.write(Buffer.concat(frames.map(textFrame)));
}

describe('StreamConnection: retries after a lost socket, keep-alive, unreadable events', () => {
	const fake = new FakeDingTalk(fixture);
	const connections: StreamConnection[] = [];
	const connect = (overrides: Partial<StreamConnectionOptions> = {}) => {
		const { lines, logger } = tupleLogger();
		const c = new StreamConnection(app.clientId, app.clientSecret, {
			openConnection: fakeGatewayOpener(fake),
			logger,
			...overrides,
		});
		const disconnects: Array<{ reason: string; at: number }> = [];
		c.on('disconnected', (reason: string) => disconnects.push({ reason, at: Date.now() }));
		connections.push(c);
		return { c, lines, disconnects };
	};
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

	describe('the backed-off retry after a dropped socket', () => {
		/** Drops the socket, waits for the reconnect, and answers how long after the drop the new ticket was asked. */
		const retryGap = async (random: () => number) => {
			// The cap is far above the first delay: a delay computed from the cap (30 s) is never waited out.
			const { c, disconnects } = connect({ backoff: { baseMs: 1000, maxMs: 60_000 }, random });
			await c.subscribe(bot);
			fake.gateway.drop();
			await waitFor(() => c.status().state === 'connected' && fake.requestsTo(OPEN).length === 2);
			expect(disconnects).toHaveLength(1);
			expect(disconnects[0].reason).toMatch(/^socket closed/);
			expect(c.status().reconnectCount).toBe(1);
			return fake.requestsTo(OPEN)[1].at - disconnects[0].at;
		};

		it('random 0: the first retry waits half the base delay (500 ms of base 1000), not at once and not longer', async () => {
			const gap = await retryGap(() => 0);
			expect(gap).toBeGreaterThanOrEqual(480);
			expect(gap).toBeLessThan(1500);
		});

		it('random 1: the first retry waits the whole base delay (1000 ms), the random half added to the fixed half', async () => {
			const gap = await retryGap(() => 1);
			expect(gap).toBeGreaterThanOrEqual(980);
			expect(gap).toBeLessThan(2000);
		});
	});

	describe('keep-alive', () => {
		it('a socket that stops answering pings is dropped as dead, with the reason an admin reads', async () => {
			const { c, lines, disconnects } = connect({
				keepAliveIntervalMs: 100,
				backoff: { baseMs: 20, maxMs: 200 },
			});
			await c.subscribe(bot);
			const [first] = fake.gateway.liveConnections();
			fake.gateway.stall(first);
			await waitFor(() => disconnects.length > 0);
			expect(disconnects[0].reason).toBe('no pong from the gateway: dead connection');
			expect(lines).toContainEqual([
				'warn',
				'DingTalk Stream: disconnected (no pong from the gateway: dead connection)',
				{ clientId: app.clientId },
			]);
			await waitFor(() => fake.gateway.liveConnections().some((x) => x.id !== first.id));
		});
	});

	describe('an organisation event that cannot be read', () => {
		it('is ACKed SUCCESS (a redelivery would read no better) and logged with the problem and the app', async () => {
			const { c, lines } = connect({ backoff: { baseMs: 20, maxMs: 200 } });
			const runs: unknown[] = [];
			await c.subscribe(
				async (callback) => {
					runs.push(callback);
					return null;
				},
				{ wantsEvent: () => true },
			);
			await waitFor(() => c.status().subscribedEvents);
			const eventId = fake.gateway.pushEvent('user_add_org', '{not json');
			const ack = await waitFor(() => fake.gateway.eventAcks.find((a) => a.eventId === eventId));
			expect(ack.status).toBe('SUCCESS');
			expect(lines).toContainEqual([
				'warn',
				'DingTalk Stream: ACKed and ignored an event (event data is not JSON)',
				{ clientId: app.clientId },
			]);
			expect(runs).toEqual([]);
		});
	});

	describe('frames read after their socket was dropped', () => {
		it('Disconnect while a SYSTEM disconnect is handled: a second SYSTEM disconnect of the same batch does not reconnect', async () => {
			const { c, disconnects } = connect({ backoff: { baseMs: 20, maxMs: 200 } });
			c.once('disconnected', () => c.disconnect());
			await c.subscribe(bot);
			const [socket] = fake.gateway.liveConnections();
			writeInOneChunk(socket, [systemDisconnectFrame(), systemDisconnectFrame()]);
			await waitFor(() => disconnects.length >= 2);
			expect(disconnects.map((d) => d.reason)).toEqual([
				'gateway sent SYSTEM disconnect',
				'disconnected on request',
			]);
			expect(c.status()).toMatchObject({ state: 'stopped', connected: false, subscribers: 1 });
			// Nothing was scheduled: Reconnect is the only way back, and it is the first reconnect.
			c.reconnect();
			await waitFor(() => c.status().state === 'connected');
			expect(c.status().reconnectCount).toBe(1);
			expect(fake.requestsTo(OPEN)).toHaveLength(2);
		});

		it('an event read after its socket was dropped is neither ACKed nor an error: DingTalk pushes it again', async () => {
			const { c, lines } = connect({ backoff: { baseMs: 20, maxMs: 200 } });
			await c.subscribe(bot, { wantsEvent: () => false });
			await waitFor(() => c.status().subscribedEvents);
			const [socket] = fake.gateway.liveConnections();
			writeInOneChunk(socket, [systemDisconnectFrame(), orgEvent(app.clientId)]);
			await waitFor(() => fake.gateway.liveConnections().some((x) => x.id !== socket.id));
			await waitFor(() => c.status().state === 'connected');
			expect(lines.filter(([level]) => level === 'error')).toEqual([]);
			expect(fake.gateway.eventAcks).toEqual([]);
		});
	});

	describe('Disconnect while a failed retry is reported', () => {
		it('a Disconnect from an error-status listener holds: the failed retry schedules no other', async () => {
			const { c, disconnects } = connect({ backoff: { baseMs: 20, maxMs: 200 } });
			await c.subscribe(bot);
			let stateAfterFailure: string | undefined;
			c.once('error-status', () => {
				c.disconnect();
				// After the failed connect's own handling (its promise callbacks), before any timer.
				setImmediate(() => (stateAfterFailure = c.status().state));
			});
			fake.injectFault({ path: OPEN, kind: 'serverError', times: 1 });
			fake.gateway.drop();
			await waitFor(() => stateAfterFailure);
			expect(stateAfterFailure).toBe('stopped');
			expect(disconnects.map((d) => d.reason)).toEqual([
				expect.stringMatching(/^socket closed/),
				'disconnected on request',
			]);
			expect(c.status()).toMatchObject({
				state: 'stopped',
				reconnectCount: 1,
				lastError: expect.stringMatching(/^connect failed: /),
			});
		});
	});
});
