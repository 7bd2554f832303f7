import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import { openStreamConnection } from '../../../nodes/DingTalk/api/gateway';
import {
	acquireStreamConnection,
	findStreamConnection,
} from '../../../nodes/DingTalk/stream/registry';
import type { StreamConnection } from '../../../nodes/DingTalk/stream/StreamConnection';
import {
	AccessTokenCache,
	axiosSender,
	credentialIdentity,
	DingTalkApiError,
	DingTalkClient,
} from '../../../nodes/DingTalk/transport';
import { waitFor } from '../../support/waitFor';

const ROBOT = '/v1.0/im/bot/messages/get';
const fixture = defaultFixture();
const owner = fixture.apps[0];

/**
 * The registry against the fake gateway, which checks the secret as DingTalk does: one n8n, two users of the same
 * app's Client ID (not a secret), one of them without the app's secret.
 */
describe('Stream connection registry: keyed by the credential identity', () => {
	const fake = new FakeDingTalk(fixture);
	const acquired: StreamConnection[] = [];
	const acquire = (clientSecret: string) => {
		const app = { ...fake.appConfig(owner), clientSecret };
		const client = new DingTalkClient(app, axiosSender, {
			tokenCache: new AccessTokenCache(),
			retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
		});
		const connection = acquireStreamConnection(app, {
			openConnection: async (subscriptions, ua) =>
				await openStreamConnection(client, subscriptions, ua),
			backoff: { baseMs: 20, maxMs: 200 },
		});
		acquired.push(connection);
		return { app, connection };
	};
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	afterEach(() => {
		for (const connection of acquired.splice(0)) connection.stop();
		fake.reset();
	});

	it("a made-up secret never joins the owner's connection: it opens its own, which the gateway refuses, and gets none of the owner's messages", async () => {
		const a = acquire(owner.clientSecret);
		const ownerSeen: unknown[] = [];
		await a.connection.subscribe(async (callback) => (ownerSeen.push(callback.data), null));
		const opensBefore = fake.requestsTo('/v1.0/gateway/connections/open').length;

		const b = acquire('made-up-secret-of-another-user');
		expect(b.connection).not.toBe(a.connection);
		const intruderSeen: unknown[] = [];
		const refused = await b.connection
			.subscribe(async (callback) => (intruderSeen.push(callback.data), null))
			.catch((error: unknown) => error);
		// The gateway's own refusal, as for a wrong secret with nobody else connected.
		expect(refused).toBeInstanceOf(DingTalkApiError);
		expect((refused as DingTalkApiError).message).toMatch(/invalidClientIdOrSecret/);
		expect(fake.requestsTo('/v1.0/gateway/connections/open')).toHaveLength(opensBefore + 1);
		expect(findStreamConnection(credentialIdentity(b.app))).toBeUndefined();

		fake.gateway.pushCallback(ROBOT, { msgId: 'after-the-intruder', text: { content: 'Q4' } });
		await waitFor(() => ownerSeen.length === 1);
		expect(intruderSeen).toEqual([]);
		expect(fake.gateway.liveConnections(owner.clientId)).toHaveLength(1);
		expect(a.connection.status()).toMatchObject({ state: 'connected', subscribers: 1 });
	});

	it('a copy of the credential (same Client ID and secret) shares the one connection, and finds it', async () => {
		const a = acquire(owner.clientSecret);
		const copy = acquire(owner.clientSecret);
		expect(copy.connection).toBe(a.connection);
		expect(findStreamConnection(credentialIdentity(copy.app))).toBe(a.connection);
		expect(
			findStreamConnection(credentialIdentity({ ...copy.app, clientSecret: 'x' })),
		).toBeUndefined();
	});

	it('another gateway (base URL) is another connection', () => {
		const a = acquire(owner.clientSecret);
		const elsewhere = acquireStreamConnection(
			{ ...a.app, apiBaseUrl: 'http://127.0.0.1:9' },
			{ openConnection: async () => await Promise.reject(new Error('not called')) },
		);
		acquired.push(elsewhere);
		expect(elsewhere).not.toBe(a.connection);
	});
});
