/**
 * The registry over a connection's life: one Stream connection per credential identity in the process, whatever the
 * triggers do in turn (activate, fail to activate, close) and whatever Connection → Disconnect / Reconnect do to it.
 * Against the fake gateway, which counts the sockets of the app.
 */
import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import { openStreamConnection } from '../../../nodes/DingTalk/api/gateway';
import {
	acquireStreamConnection,
	findStreamConnection,
} from '../../../nodes/DingTalk/stream/registry';
import type {
	CallbackHandler,
	StreamConnection,
} from '../../../nodes/DingTalk/stream/StreamConnection';
import {
	AccessTokenCache,
	axiosSender,
	credentialIdentity,
	DingTalkClient,
} from '../../../nodes/DingTalk/transport';
import { waitFor } from '../../support/waitFor';

const ROBOT = '/v1.0/im/bot/messages/get';
const fixture = defaultFixture();
const owner = fixture.apps[0];

describe('Stream connection registry: one connection per identity over its life', () => {
	const fake = new FakeDingTalk(fixture);
	const acquired: StreamConnection[] = [];
	const app = () => ({ ...fake.appConfig(owner) });
	const identity = () => credentialIdentity(app());
	/** What a Stream trigger does on activation: acquire the connection of its credential (then subscribe). */
	const acquire = (openFails = false) => {
		const config = app();
		const client = new DingTalkClient(config, axiosSender, {
			tokenCache: new AccessTokenCache(),
			retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
		});
		const connection = acquireStreamConnection(config, {
			openConnection: async (subscriptions, ua) =>
				openFails
					? await Promise.reject(new Error('gateway unreachable'))
					: await openStreamConnection(client, subscriptions, ua),
			backoff: { baseMs: 20, maxMs: 200 },
		});
		acquired.push(connection);
		return connection;
	};
	/** A trigger's handler, recording the msgIds it saw. */
	const trigger = () => {
		const seen: unknown[] = [];
		const handler: CallbackHandler = async (callback) => (
			seen.push((callback.data as { msgId?: unknown }).msgId),
			null
		);
		return { seen, handler };
	};
	const push = (msgId: string) =>
		fake.gateway.pushCallback(ROBOT, { msgId, text: { content: msgId } });

	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		fake.gateway.drop();
		fake.reset();
	});
	afterEach(async () => {
		for (const connection of acquired.splice(0)) connection.stop();
		expect(findStreamConnection(identity())).toBeUndefined();
		await waitFor(() => fake.gateway.liveConnections().length === 0);
	});

	it('a connection its last trigger left is forgotten; the next activation opens a fresh one', async () => {
		const first = acquire();
		const one = trigger();
		await first.subscribe(one.handler);
		expect(findStreamConnection(identity())).toBe(first);
		expect(first.unsubscribe(one.handler)).toBe(0);
		expect(findStreamConnection(identity())).toBeUndefined();

		const next = acquire();
		expect(next).not.toBe(first);
		const two = trigger();
		await next.subscribe(two.handler);
		expect(findStreamConnection(identity())).toBe(next);
		push('after-the-restart');
		await waitFor(() => two.seen.length === 1);
		expect(fake.gateway.liveConnections(owner.clientId)).toHaveLength(1);
	});

	it('the late close of a trigger whose activation failed leaves the connection another trigger opened since', async () => {
		// Activation 1 fails (its connection stops and leaves the registry), activation 2 opens a new connection, then
		// trigger 1 closes as a failed activation does (unsubscribe: its connection stops once more).
		const failed = acquire(true);
		const one = trigger();
		await expect(failed.subscribe(one.handler)).rejects.toThrow('gateway unreachable');
		expect(findStreamConnection(identity())).toBeUndefined();

		const live = acquire();
		expect(live).not.toBe(failed);
		const two = trigger();
		await live.subscribe(two.handler);
		expect(failed.unsubscribe(one.handler)).toBe(0);

		// Connection → Get Status still finds the live connection, and a third trigger joins it (one socket).
		expect(findStreamConnection(identity())).toBe(live);
		const third = acquire();
		expect(third).toBe(live);
		const three = trigger();
		await third.subscribe(three.handler);
		push('after-the-late-close');
		await waitFor(() => two.seen.length === 1 && three.seen.length === 1);
		expect(fake.gateway.liveConnections(owner.clientId)).toHaveLength(1);
	});

	it('after Connection → Disconnect, a trigger activated with the credential joins the one connection: Reconnect brings every trigger back', async () => {
		const connection = acquire();
		const one = trigger();
		await connection.subscribe(one.handler);
		connection.disconnect(); // Connection → Disconnect: the socket closes, the trigger stays subscribed
		await waitFor(() => fake.gateway.liveConnections().length === 0);
		expect(findStreamConnection(identity())).toBe(connection);

		// Another workflow with the same credential is activated meanwhile.
		const joined = acquire();
		expect(joined).toBe(connection);
		const two = trigger();
		await joined.subscribe(two.handler);
		// Connection → Reconnect acts on the connection the registry finds.
		findStreamConnection(identity())?.reconnect();
		await waitFor(() => findStreamConnection(identity())?.status().state === 'connected');

		push('after-the-reconnect');
		await waitFor(() => two.seen.length === 1);
		await waitFor(() => one.seen.length === 1);
		expect(one.seen).toEqual(['after-the-reconnect']);
		expect(fake.gateway.liveConnections(owner.clientId)).toHaveLength(1);
		expect(findStreamConnection(identity())?.status().subscribers).toBe(2);
	});
});
