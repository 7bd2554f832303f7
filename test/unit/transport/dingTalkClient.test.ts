/**
 * The DingTalk client against a scripted sender (no sockets, no clock): the exact request it hands the HTTP stack
 * (headers, token placement, URL), how it fetches a token (retried after a network failure, a token answer without a
 * token refused clearly), how a paced call treats a server error, and how a network failure or timeout becomes a
 * DingTalkApiError (its code, the text the user reads, no secret in it).
 */
import { endpointOf } from '../../../nodes/DingTalk/transport/DingTalkClient';
import {
	AccessTokenCache,
	DingTalkApiError,
	DingTalkClient,
	type DingTalkAppConfig,
	type HttpRequest,
	type HttpResponse,
} from '../../../nodes/DingTalk/transport';

const SECRET = 'client-secret-0a1b2c3d4e5f';
const TOKEN = 'issued-token-9f8e7d6c5b4a';
const app: DingTalkAppConfig = {
	clientId: 'dingclienttest',
	clientSecret: SECRET,
	robotCode: 'dingclienttest',
	language: 'en',
	apiBaseUrl: 'https://api.example.test',
	legacyApiBaseUrl: 'https://oapi.example.test',
};
const TOKEN_PATH = '/v1.0/oauth2/accessToken';
const TIMEOUT_MS = 4321;

type Answer = HttpResponse | { reject: unknown };

/** A client whose sender answers from `answer` (a response, or `{ reject }` for a failure without a response). */
function scripted(answer: (request: HttpRequest, calls: number) => Answer) {
	const requests: HttpRequest[] = [];
	const send = async (request: HttpRequest): Promise<HttpResponse> => {
		requests.push(request);
		const result = answer(request, requests.filter((r) => r.url === request.url).length);
		if ('reject' in result) throw result.reject;
		return result;
	};
	const client = new DingTalkClient(app, send, {
		retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
		timeoutMs: TIMEOUT_MS,
		tokenCache: new AccessTokenCache(() => 0),
		sleep: async () => {},
	});
	const to = (path: string) => requests.filter((r) => new URL(r.url).pathname === path);
	return { client, requests, to };
}

const ok = (body: unknown): HttpResponse => ({ status: 200, headers: {}, body });
const tokenAnswer = ok({ accessToken: TOKEN, expireIn: 7200 });
/** Answers the token endpoint with TOKEN, everything else with `rest`. */
const withToken =
	(rest: (request: HttpRequest, calls: number) => Answer) =>
	(request: HttpRequest, calls: number) =>
		request.url.endsWith(TOKEN_PATH) ? tokenAnswer : rest(request, calls);
const failure = async (promise: Promise<unknown>) =>
	(await promise.then(
		() => {
			throw new Error('the call succeeded');
		},
		(error: unknown) => error,
	)) as DingTalkApiError;

describe('DingTalkClient: the request it sends', () => {
	const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

	it('asks for JSON and puts the token in the header on the new OpenAPI, and nowhere else', async () => {
		const { client, to } = scripted(withToken(() => ok({ result: true })));
		await client.api('POST', '/v1.0/robot/oToMessages/batchSend', { a: 1 });
		const [send] = to('/v1.0/robot/oToMessages/batchSend');
		expect(send.headers).toStrictEqual({ ...JSON_HEADERS, 'x-acs-dingtalk-access-token': TOKEN });
		expect(send.qs).toBeUndefined();
	});

	it('puts the token in the query on the legacy OpenAPI, never in the new API’s header', async () => {
		const { client, to } = scripted(withToken(() => ok({ errcode: 0 })));
		await client.legacy('POST', '/topapi/user/listsimple', { dept_id: 1 }, { qs: { lang: 'en' } });
		const [list] = to('/topapi/user/listsimple');
		expect(list.headers).toStrictEqual(JSON_HEADERS);
		expect(list.qs).toStrictEqual({ lang: 'en', access_token: TOKEN });
	});

	it('sends no token header at all on a call without a token (token fetch, Stream gateway)', async () => {
		const { client, to } = scripted(withToken(() => ok({ endpoint: 'wss://x', ticket: 't' })));
		await client.withoutToken('POST', '/v1.0/gateway/connections/open', { clientId: app.clientId });
		await client.fetchAccessToken();
		const [open] = to('/v1.0/gateway/connections/open');
		const [token] = to(TOKEN_PATH);
		expect(open.headers).toStrictEqual(JSON_HEADERS);
		expect(token.headers).toStrictEqual(JSON_HEADERS);
	});

	it('puts a path under the base URL even when its query holds a full URL', async () => {
		const path = '/v1.0/robot/messageFiles/download?next=https://files.example.test/a?b=1';
		const { client, requests } = scripted(withToken(() => ok({ downloadUrl: 'x' })));
		await expect(client.api('GET', path)).resolves.toEqual({ downloadUrl: 'x' });
		expect(requests.at(-1)?.url).toBe(`https://api.example.test${path}`);
	});

	it('reports a refused path whose query holds a full URL as DingTalk’s error, by its path', async () => {
		const path = '/v1.0/robot/messageFiles/download?next=https://files.example.test/a';
		const { client } = scripted(
			withToken(() => ({
				status: 400,
				headers: {},
				body: { code: 'InvalidParameter', message: 'bad next' },
			})),
		);
		const error = await failure(client.api('GET', path));
		expect(error).toBeInstanceOf(DingTalkApiError);
		expect(error).toMatchObject({
			code: 'InvalidParameter',
			dingTalkMessage: 'bad next',
			endpoint: '/v1.0/robot/messageFiles/download',
		});
	});
});

describe('DingTalkClient: fetching the access token', () => {
	it('tries the token endpoint again after a network failure (a token fetch is safe to repeat)', async () => {
		const { client, to } = scripted((_request, calls) =>
			calls === 1
				? { reject: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }
				: tokenAnswer,
		);
		await expect(client.fetchAccessToken()).resolves.toEqual({
			token: TOKEN,
			expiresInSeconds: 7200,
		});
		expect(to(TOKEN_PATH)).toHaveLength(2);
	});

	it('tries the legacy /gettoken again after a network failure too', async () => {
		const { client, to } = scripted((request, calls) => {
			if (request.url.endsWith(TOKEN_PATH))
				return { status: 404, headers: {}, body: { code: 'NotFound', message: 'no such API' } };
			return calls === 1
				? { reject: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }
				: ok({ errcode: 0, access_token: 'legacy-token', expires_in: 3600 });
		});
		await expect(client.fetchAccessToken()).resolves.toEqual({
			token: 'legacy-token',
			expiresInSeconds: 3600,
		});
		expect(to('/gettoken')).toHaveLength(2);
	});

	it('refuses a token answer without a token, naming the endpoint', async () => {
		const { client } = scripted(() => ok({ expireIn: 7200 }));
		const error = await failure(client.fetchAccessToken());
		expect(error).toBeInstanceOf(DingTalkApiError);
		expect(error).toMatchObject({
			code: 'INVALID_RESPONSE',
			dingTalkMessage: 'The token endpoint answered without an access token',
			kind: 'invalidResponse',
			endpoint: TOKEN_PATH,
		});
		expect(error.message).toBe(
			'DingTalk error INVALID_RESPONSE: The token endpoint answered without an access token',
		);
	});

	it('refuses a legacy token answer without a token, naming /gettoken', async () => {
		const { client } = scripted((request) =>
			request.url.endsWith(TOKEN_PATH)
				? { status: 404, headers: {}, body: { code: 'NotFound', message: 'no such API' } }
				: ok({ errcode: 0, errmsg: 'ok' }),
		);
		const error = await failure(client.fetchAccessToken());
		expect(error).toMatchObject({
			code: 'INVALID_RESPONSE',
			dingTalkMessage: 'The token endpoint answered without an access token',
			endpoint: '/gettoken',
		});
	});
});

describe('DingTalkClient: a paced call', () => {
	const serverError: HttpResponse = {
		status: 500,
		headers: {},
		body: { code: 'ServiceUnavailable', message: 'busy' },
	};

	it('gets flow control back at once (its budget decides when to try again)', async () => {
		const { client, to } = scripted(
			withToken(() => ({
				status: 403,
				headers: {},
				body: { code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: 'slow down' },
			})),
		);
		await expect(
			client.api('PUT', '/v1.0/card/streaming', {}, { paced: true, idempotent: true }),
		).rejects.toMatchObject({ kind: 'flowControl' });
		expect(to('/v1.0/card/streaming')).toHaveLength(1);
	});

	it('is still repeated here after a server error when a repeat does no harm', async () => {
		const { client, to } = scripted(
			withToken((_request, calls) => (calls === 1 ? serverError : ok({ success: true }))),
		);
		await expect(
			client.api('PUT', '/v1.0/card/streaming', {}, { paced: true, repeatAfterServerError: true }),
		).resolves.toEqual({ success: true });
		expect(to('/v1.0/card/streaming')).toHaveLength(2);
	});
});

describe('DingTalkClient: network failures and timeouts', () => {
	const reject = (reason: unknown) => withToken(() => ({ reject: reason }));
	const read = async (client: DingTalkClient) =>
		await failure(client.api('POST', '/v1.0/contact/users/get', {}));

	it.each([
		['ECONNABORTED (axios)', Object.assign(new Error('aborted'), { code: 'ECONNABORTED' })],
		[
			'ETIMEDOUT (a connect that timed out)',
			Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { code: 'ETIMEDOUT' }),
		],
		['a message saying timeout, without a code', new Error('Request Timeout')],
	])('reads %s as a timeout and says how long it waited', async (_name, cause) => {
		const error = await read(scripted(reject(cause)).client);
		expect(error).toBeInstanceOf(DingTalkApiError);
		expect(error).toMatchObject({
			code: 'TIMEOUT',
			dingTalkMessage: `No answer from DingTalk within ${TIMEOUT_MS} ms`,
			kind: 'network',
			endpoint: '/v1.0/contact/users/get',
		});
		expect(error.message).toBe(
			`DingTalk error TIMEOUT: No answer from DingTalk within ${TIMEOUT_MS} ms`,
		);
	});

	it('keeps the code and text of another network failure', async () => {
		const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
			code: 'ECONNREFUSED',
		});
		const error = await read(scripted(reject(cause)).client);
		expect(error).toMatchObject({
			code: 'ECONNREFUSED',
			dingTalkMessage: 'connect ECONNREFUSED 127.0.0.1:1',
			kind: 'network',
		});
	});

	it.each([
		['an error without a code or text', {}, 'NETWORK'],
		['a code without a text', { code: 'ECONNRESET' }, 'ECONNRESET'],
		['nothing at all (undefined)', undefined, 'NETWORK'],
		['null', null, 'NETWORK'],
	])('still gives a DingTalk network error for %s', async (_name, cause, code) => {
		const error = await read(scripted(reject(cause)).client);
		expect(error).toBeInstanceOf(DingTalkApiError);
		expect(error).toMatchObject({ code, dingTalkMessage: 'network error', kind: 'network' });
		expect(error.message).toBe(`DingTalk error ${code}: network error`);
		expect(error.hint).toMatch(/DingTalk could not be reached/);
	});

	it('masks the secret, the token and a session webhook’s query in a network error’s text', async () => {
		const webhook = new URL(
			'https://oapi.example.test/robot/sendBySession?session=session-key-1234',
		);
		const { client } = scripted(
			withToken((request) => ({
				reject: new Error(
					`failed ${request.url} with ${request.headers?.['x-acs-dingtalk-access-token'] ?? 'no token'} and ${SECRET} and ${encodeURIComponent(SECRET)}`,
				),
			})),
		);
		const onApi = await read(client);
		const onWebhook = await failure(client.postToSessionWebhook(webhook, { msgtype: 'text' }));
		expect(onApi.dingTalkMessage).toBe(
			'failed https://api.example.test/v1.0/contact/users/get with *** and *** and ***',
		);
		expect(onWebhook.dingTalkMessage).toBe(
			'failed https://oapi.example.test/robot/sendBySession?session=*** with no token and *** and ***',
		);
		expect(onWebhook.endpoint).toBe('/robot/sendBySession');
	});

	it('shows DingTalk’s own words unchanged when they hold no secret', async () => {
		const words = ['request failed: upstream reset', 'socket hang up'];
		for (const text of words) {
			const { client } = scripted(reject(new Error(text)));
			expect((await read(client)).dingTalkMessage).toBe(text);
		}
	});
});

describe('endpointOf: what an error may show of the address called', () => {
	it.each([
		['/v1.0/robot/oToMessages/batchSend', '/v1.0/robot/oToMessages/batchSend'],
		['/topapi/user/get?lang=en', '/topapi/user/get'],
		['https://oapi.dingtalk.com/robot/sendBySession?session=abc', '/robot/sendBySession'],
		['http://127.0.0.1:8080/robot/sendBySession?session=abc', '/robot/sendBySession'],
		['HTTPS://OAPI.DINGTALK.COM/robot/send?access_token=abc', '/robot/send'],
		['/v1.0/files/download?next=https://files.example.test/a', '/v1.0/files/download'],
	])('%s -> %s', (address, shown) => {
		expect(endpointOf(address)).toBe(shown);
	});
});
