/**
 * The DingTalk client's budgets, against a scripted sender: a refused token is refreshed once (not counted as a
 * retry, never in a loop), a network failure of a read is retried exactly maxRetries times, and a token answer
 * without a lifetime counts as DingTalk's 7200 s.
 */
import {
	AccessTokenCache,
	DingTalkClient,
	type DingTalkAppConfig,
	type HttpRequest,
	type HttpResponse,
} from '../../../nodes/DingTalk/transport';

const app: DingTalkAppConfig = {
	clientId: 'dingbudget',
	clientSecret: 'budget-secret',
	robotCode: 'dingbudget',
	language: 'en',
	apiBaseUrl: 'https://api.example.test',
	legacyApiBaseUrl: 'https://oapi.example.test',
};
const policy = { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 };
const TOKEN_PATH = '/v1.0/oauth2/accessToken';

function scripted(answer: (request: HttpRequest, calls: number) => HttpResponse | Error) {
	const requests: HttpRequest[] = [];
	const send = async (request: HttpRequest): Promise<HttpResponse> => {
		requests.push(request);
		const result = answer(request, requests.filter((r) => r.url === request.url).length);
		if (result instanceof Error) throw result;
		return result;
	};
	const tokens = new AccessTokenCache(() => 0);
	const client = new DingTalkClient(app, send, {
		retry: policy,
		tokenCache: tokens,
		sleep: async () => {},
	});
	const to = (path: string) => requests.filter((r) => r.url.endsWith(path)).length;
	return { client, tokens, to };
}

const ok = (body: unknown): HttpResponse => ({ status: 200, headers: {}, body });
const tokenAnswer = (n: number) => ok({ accessToken: `token-${n}`, expireIn: 7200 });

describe('DingTalk client: refresh and retry budgets', () => {
	it('refreshes a refused token once, without spending a retry, and then gives up', async () => {
		const { client, to } = scripted((request, calls) =>
			request.url.endsWith(TOKEN_PATH)
				? tokenAnswer(calls)
				: { status: 401, headers: {}, body: { code: 'InvalidAuthentication', message: 'token' } },
		);
		await expect(client.api('POST', '/v1.0/robot/x', {})).rejects.toMatchObject({
			kind: 'invalidToken',
		});
		expect([to(TOKEN_PATH), to('/v1.0/robot/x')]).toEqual([2, 2]);
	});

	it('after a refresh still has its whole retry budget for flow control', async () => {
		const { client, to } = scripted((request, calls) => {
			if (request.url.endsWith(TOKEN_PATH)) return tokenAnswer(calls);
			if (calls === 1)
				return { status: 401, headers: {}, body: { code: 'InvalidAuthentication', message: 't' } };
			if (calls <= 1 + policy.maxRetries)
				return {
					status: 429,
					headers: {},
					body: { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'slow' },
				};
			return ok({ result: 'done' });
		});
		await expect(client.api('POST', '/v1.0/robot/x', {}, { idempotent: true })).resolves.toEqual({
			result: 'done',
		});
		expect(to('/v1.0/robot/x')).toBe(2 + policy.maxRetries);
	});

	it('retries a read that fails on the network exactly maxRetries times', async () => {
		const { client, to } = scripted((request, calls) =>
			request.url.endsWith(TOKEN_PATH) ? tokenAnswer(calls) : new Error('socket hang up'),
		);
		await expect(
			client.api('POST', '/v1.0/contact/users/get', {}, { idempotent: true }),
		).rejects.toMatchObject({ kind: 'network' });
		expect(to('/v1.0/contact/users/get')).toBe(1 + policy.maxRetries);
	});

	it('takes a token answer without a lifetime as valid for DingTalk’s 7200 s', async () => {
		const { client } = scripted(() => ok({ accessToken: 'no-lifetime' }));
		await expect(client.fetchAccessToken()).resolves.toEqual({
			token: 'no-lifetime',
			expiresInSeconds: 7200,
		});
	});
});
