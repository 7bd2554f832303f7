import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import {
	AccessTokenCache,
	axiosSender,
	credentialIdentity,
	DingTalkApiError,
	DingTalkClient,
} from '../../../nodes/DingTalk/transport';

const app = { apiBaseUrl: 'https://api.dingtalk.com', clientId: 'dingapp', clientSecret: 's1' };

describe('credentialIdentity: what a shared token, connection or status is keyed by', () => {
	it('is the same for a copy of the credential, and differs for another secret, app or gateway', () => {
		expect(credentialIdentity({ ...app })).toBe(credentialIdentity(app));
		expect(credentialIdentity({ ...app, clientSecret: 's2' })).not.toBe(credentialIdentity(app));
		expect(credentialIdentity({ ...app, clientId: 'other' })).not.toBe(credentialIdentity(app));
		expect(credentialIdentity({ ...app, apiBaseUrl: 'https://api.dingtalk.io' })).not.toBe(
			credentialIdentity(app),
		);
	});

	it('takes further secrets (an HTTP credential: Callback Token, AES Key), each of which counts', () => {
		const http = credentialIdentity(app, 'token', 'aesKey');
		expect(http).toBe(credentialIdentity(app, 'token', 'aesKey'));
		expect(http).not.toBe(credentialIdentity(app));
		expect(http).not.toBe(credentialIdentity(app, 'token', 'otherKey'));
		expect(http).not.toBe(credentialIdentity(app, 'otherToken', 'aesKey'));
		// Moving text between the secrets is another identity, not the same concatenation.
		expect(credentialIdentity({ ...app, clientSecret: 's1t' }, 'oken', 'aesKey')).not.toBe(http);
	});

	it('holds no secret, and no Client ID or URL with a separator in it reads as another split', () => {
		const key = credentialIdentity({ ...app, clientSecret: 'the-secret-1234' }, 'the-token-5678');
		expect(key).not.toContain('the-secret-1234');
		expect(key).not.toContain('the-token-5678');
		expect(key).toContain('dingapp');
		expect(
			credentialIdentity({ apiBaseUrl: 'https://a|b', clientId: 'c', clientSecret: 's' }),
		).not.toBe(credentialIdentity({ apiBaseUrl: 'https://a', clientId: 'b|c', clientSecret: 's' }));
	});
});

describe('the shared token cache, keyed by identity: a made-up secret never gets the owner’s token', () => {
	const fixture = defaultFixture();
	const fake = new FakeDingTalk(fixture);
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());

	it('with the owner’s token cached, a credential with the same Client ID and another secret asks DingTalk, which refuses', async () => {
		const shared = new AccessTokenCache();
		const options = { tokenCache: shared, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } };
		const owner = new DingTalkClient(fake.appConfig(), axiosSender, options);
		const token = await owner.getAccessToken();
		expect(await new DingTalkClient(fake.appConfig(), axiosSender, options).getAccessToken()).toBe(
			token,
		);
		const intruder = new DingTalkClient(
			{ ...fake.appConfig(), clientSecret: 'made-up-secret' },
			axiosSender,
			options,
		);
		const refused = await intruder.getAccessToken().catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(DingTalkApiError);
		expect((refused as DingTalkApiError).code).toBe('invalidClientIdOrSecret');
	});
});
