import { defaultFixture, FakeDingTalk } from '../fake-dingtalk';
import {
	AccessTokenCache,
	axiosSender,
	DingTalkApiError,
	DingTalkClient,
	type DingTalkAppConfig,
	type HttpSender,
} from '../../nodes/DingTalk/transport';
import { streamCard, updateCard } from '../../nodes/DingTalk/api/cards';

const fixture = defaultFixture();
const app = fixture.apps[0];
const settle = async () => await new Promise((resolve) => setTimeout(resolve, 500));
const fastRetry = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20 };

describe('DingTalkClient against the fake DingTalk', () => {
	const fake = new FakeDingTalk(fixture);
	let config: DingTalkAppConfig;
	const client = (
		overrides: Partial<DingTalkAppConfig> = {},
		sender: HttpSender = axiosSender,
		timeoutMs?: number,
	) =>
		new DingTalkClient({ ...config, ...overrides }, sender, {
			retry: fastRetry,
			tokenCache: new AccessTokenCache(),
			timeoutMs,
		});

	beforeAll(async () => {
		await fake.start();
		config = fake.appConfig();
	});
	afterAll(async () => await fake.stop());
	beforeEach(() => fake.reset());

	const listUsers = async (c: DingTalkClient) =>
		await c.legacy(
			'POST',
			'/topapi/user/listsimple',
			{ dept_id: 1, cursor: 0, size: 10 },
			{ idempotent: true },
		);

	it('fetches one token for 100 parallel calls and reuses it', async () => {
		const c = client();
		await Promise.all(Array.from({ length: 100 }, async () => await listUsers(c)));
		await listUsers(c);
		expect(fake.tokenCalls()).toBe(1);
		expect(fake.requestsTo('/topapi/user/listsimple')).toHaveLength(101);
	});

	it('sends the token in the header on the new API and in the query on the legacy one', async () => {
		const c = client();
		await c.api('POST', '/v1.0/robot/oToMessages/batchSend', {
			robotCode: app.robotCode,
			userIds: [fixture.users[0].userid],
			msgKey: 'sampleText',
			msgParam: '{"content":"hi"}',
		});
		await listUsers(c);
		const [send] = fake.requestsTo('/v1.0/robot/oToMessages/batchSend');
		const [list] = fake.requestsTo('/topapi/user/listsimple');
		expect(send.headers['x-acs-dingtalk-access-token']).toBeTruthy();
		expect(list.query.access_token).toBe(send.headers['x-acs-dingtalk-access-token']);
	});

	it('refreshes an expired token once and retries the call', async () => {
		const c = client();
		await listUsers(c);
		fake.expireAllTokens();
		await listUsers(c);
		expect(fake.tokenCalls()).toBe(2);
		fake.injectFault({ path: '/topapi/user/listsimple', kind: 'expireToken' });
		await listUsers(c);
		expect(fake.tokenCalls()).toBe(3);
	});

	it('retries flow control, 429 and 5xx with backoff, then succeeds', async () => {
		const c = client();
		fake.injectFault({ path: '/topapi/user/listsimple', kind: 'flowControl', times: 1 });
		fake.injectFault({ path: '/topapi/user/listsimple', kind: 'http429', times: 1 });
		fake.injectFault({ path: '/topapi/user/listsimple', kind: 'serverError', times: 1 });
		await listUsers(c);
		expect(fake.requestsTo('/topapi/user/listsimple').map((r) => r.status)).toEqual([
			200, 429, 200, 200,
		]);
	});

	it('does not repeat a send after a server error (it may have been carried out), but does after flow control', async () => {
		const c = client();
		const send = () =>
			c.api('POST', '/v1.0/robot/groupMessages/send', {
				robotCode: app.robotCode,
				openConversationId: fixture.conversations[0].openConversationId,
				msgKey: 'sampleText',
				msgParam: '{"content":"x"}',
			});
		fake.injectFault({ path: '/v1.0/robot/groupMessages/send', kind: 'serverError', times: 1 });
		await expect(send()).rejects.toMatchObject({ kind: 'server' });
		expect(fake.requestsTo('/v1.0/robot/groupMessages/send')).toHaveLength(1);
		fake.injectFault({ path: '/v1.0/robot/groupMessages/send', kind: 'flowControl', times: 1 });
		await send();
		expect(fake.requestsTo('/v1.0/robot/groupMessages/send').map((r) => r.status)).toEqual([
			500, 403, 200,
		]);
	});

	it('repeats a card update and a full streamed content after a server error, never an appended piece', async () => {
		const c = client();
		fake.cards.set('retry-card', {
			cardTemplateId: 't',
			cardData: {},
			openSpaceId: 'dtv1.card//IM_ROBOT.u',
			streams: [],
			fieldValues: {},
			finalized: false,
			failed: false,
		});
		fake.injectFault({ path: '/v1.0/card/instances', kind: 'serverError', times: 1 });
		await updateCard(c, 'retry-card', { status: 'done' }, true);
		expect(fake.requestsTo('/v1.0/card/instances').map((r) => r.status)).toEqual([500, 200]);
		const piece = { outTrackId: 'retry-card', key: 'content', content: 'ab', guid: 'g' };
		fake.injectFault({ path: '/v1.0/card/streaming', kind: 'serverError', times: 1 });
		await streamCard(c, { ...piece, isFull: true, isFinalize: true, isError: false });
		fake.injectFault({ path: '/v1.0/card/streaming', kind: 'serverError', times: 1 });
		await expect(
			streamCard(c, { ...piece, isFull: false, isFinalize: false, isError: false }),
		).rejects.toMatchObject({ kind: 'server' });
		expect(fake.requestsTo('/v1.0/card/streaming').map((r) => r.status)).toEqual([500, 200, 500]);
		expect(fake.cards.get('retry-card')?.fieldValues.content).toBe('ab');
	});

	it("gives up after the bounded retries with DingTalk's code, message and request id", async () => {
		const c = client();
		fake.injectFault({ path: '/v1.0/robot/groupMessages/send', kind: 'flowControl', times: 10 });
		const error = await c
			.api('POST', '/v1.0/robot/groupMessages/send', {
				robotCode: app.robotCode,
				openConversationId: fixture.conversations[0].openConversationId,
				msgKey: 'sampleText',
				msgParam: '{"content":"x"}',
			})
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DingTalkApiError);
		expect(error).toMatchObject({
			code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi',
			kind: 'flowControl',
			httpStatus: 403,
		});
		expect((error as DingTalkApiError).requestId).toBeTruthy();
		expect(fake.requestsTo('/v1.0/robot/groupMessages/send')).toHaveLength(
			1 + fastRetry.maxRetries,
		);
	});

	it("reports a wrong secret with DingTalk's own text and without the secret", async () => {
		const wrongSecret = 'wrong-secret-value-123';
		const error = (await client({ clientSecret: wrongSecret })
			.fetchAccessToken()
			.catch((e: unknown) => e)) as DingTalkApiError;
		expect(error).toMatchObject({ code: 'invalidClientIdOrSecret', kind: 'credentials' });
		expect(error.dingTalkMessage).toContain('无效的clientId或者clientSecret');
		expect(error.hint).toMatch(/Credentials & Basic Info/);
		expect(JSON.stringify(error.toJSON()) + error.message + error.stack).not.toContain(wrongSecret);
	});

	it('maps legacy errcode answers (unknown user) with a hint', async () => {
		const error = (await client()
			.legacy('POST', '/topapi/v2/user/get', { userid: 'nobody' })
			.catch((e: unknown) => e)) as DingTalkApiError;
		expect(error).toMatchObject({ code: '60121', kind: 'userNotFound' });
		expect(error.hint).toMatch(/visible range/);
	});

	it('times out slow answers; does not repeat a send that may have arrived, does repeat a read', async () => {
		fake.injectFault({ path: '/v1.0/robot/groupMessages/send', kind: 'slow', delayMs: 400 });
		const error = (await client({}, axiosSender, 100)
			.api('POST', '/v1.0/robot/groupMessages/send', {
				robotCode: app.robotCode,
				openConversationId: fixture.conversations[0].openConversationId,
				msgKey: 'sampleText',
				msgParam: '{"content":"x"}',
			})
			.catch((e: unknown) => e)) as DingTalkApiError;
		expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'network' });
		await settle(); // the fake records a slow request only once it has answered it
		expect(fake.requestsTo('/v1.0/robot/groupMessages/send')).toHaveLength(1);
		fake.injectFault({ path: '/topapi/user/listsimple', kind: 'slow', delayMs: 400 });
		await listUsers(client({}, axiosSender, 100));
		await settle();
		expect(fake.requestsTo('/topapi/user/listsimple')).toHaveLength(2);
	});

	it('refuses a non-JSON answer clearly', async () => {
		fake.injectFault({ path: '/topapi/user/listsimple', kind: 'invalidJson' });
		await expect(listUsers(client())).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
	});

	it('falls back to the legacy token endpoint where the new one does not exist', async () => {
		const without404: HttpSender = async (request) =>
			request.url.endsWith('/v1.0/oauth2/accessToken')
				? { status: 404, headers: {}, body: { code: 'NotFound', message: 'no' } }
				: await axiosSender(request);
		const issued = await client({}, without404).fetchAccessToken();
		expect(issued.token).toBeTruthy();
		expect(fake.requestsTo('/gettoken')).toHaveLength(1);
		const [gettoken] = fake.requestsTo('/gettoken');
		expect(gettoken.query.appkey).toBe(app.clientId);
	});
});

describe('fake DingTalk fault scheduling', () => {
	it('lets `after` requests through before a fault starts', async () => {
		const fake = new FakeDingTalk(fixture);
		await fake.start();
		try {
			fake.injectFault({ path: '/gettoken', kind: 'serverError', times: 1, after: 2 });
			const statuses = [];
			for (let i = 0; i < 4; i++)
				statuses.push(
					(
						await fetch(
							`${fake.baseUrl}/gettoken?appkey=${app.clientId}&appsecret=${app.clientSecret}`,
						)
					).status,
				);
			expect(
				fake.requestsTo('/gettoken').map((r) => (r.response as { errcode: number }).errcode),
			).toEqual([0, 0, -1, 0]);
			expect(statuses).toEqual([200, 200, 200, 200]);
		} finally {
			await fake.stop();
		}
	});
});
