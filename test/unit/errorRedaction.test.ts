import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { INode } from 'n8n-workflow';

import {
	AccessTokenCache,
	axiosSender,
	DingTalkClient,
	toNodeError,
} from '../../nodes/DingTalk/transport';
import { xpertRequest } from '../../nodes/XpertAi/transport/xpertApi';

const SECRET = 'client-secret-0123456789abcdef';
const TOKEN = 'access-token-fedcba9876543210';
const API_KEY = 'xpert-api-key-5555aaaa';
const node: INode = {
	id: 'n',
	name: 'Node',
	type: 'test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Everything an n8n user or log could see of an error. */
const visible = (error: unknown) => {
	const e = error as { message?: string; description?: string; cause?: unknown; context?: unknown };
	return [
		e.message,
		e.description,
		JSON.stringify(e.cause ?? null),
		JSON.stringify(e.context ?? null),
		JSON.stringify(error),
	].join('\n');
};

describe('error texts never show a secret the server echoed', () => {
	let server: Server;
	let base: string;
	beforeAll(async () => {
		// A hostile server: echoes everything it was sent (body, query, token header) in its error answers.
		server = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				const echo = `got ${req.url} ${String(req.headers['x-acs-dingtalk-access-token'] ?? '')} ${body} ${encodeURIComponent(body)}`;
				res.setHeader('content-type', 'application/json');
				if (
					req.url?.startsWith('/v1.0/oauth2/accessToken') &&
					body.includes('"appSecret"') &&
					!req.url.includes('fail')
				) {
					res.end(JSON.stringify({ accessToken: TOKEN, expireIn: 7200 }));
				} else if (req.url?.startsWith('/v1.0/')) {
					res.statusCode = 400;
					res.end(JSON.stringify({ code: `Bad.${SECRET}`, message: echo, requestid: TOKEN }));
				} else {
					res.end(JSON.stringify({ errcode: 88, errmsg: echo, sub_msg: `${echo} ${SECRET}` }));
				}
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	const client = () =>
		new DingTalkClient(
			{
				clientId: 'id',
				clientSecret: SECRET,
				robotCode: 'id',
				language: 'en',
				apiBaseUrl: base,
				legacyApiBaseUrl: base,
			},
			axiosSender,
			{
				tokenCache: new AccessTokenCache(),
				retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
			},
		);

	it.each([
		[
			'new OpenAPI',
			async (c: DingTalkClient) =>
				await c.api('POST', '/v1.0/robot/oToMessages/batchSend', { secret: SECRET }),
		],
		[
			'legacy OpenAPI',
			async (c: DingTalkClient) => await c.legacy('POST', '/topapi/user/get', { secret: SECRET }),
		],
		[
			'session webhook',
			async (c: DingTalkClient) =>
				await c.postToSessionWebhook(new URL(`${base}/robot/send?s=${TOKEN}`), { s: SECRET }),
		],
	])('DingTalk: %s', async (_name, call) => {
		const failure = await call(client()).catch((error: unknown) => error);
		const shown = visible(toNodeError(node, failure, 0));
		expect(shown).toContain('***');
		for (const secret of [SECRET, TOKEN, encodeURIComponent(SECRET)])
			expect(shown).not.toContain(secret);
	});

	it('Xpert AI: the API key echoed in an error message', async () => {
		const context = {
			getNode: () => node,
			getCredentials: async () => ({ baseUrl: base, apiKey: API_KEY }),
			helpers: {
				httpRequestWithAuthentication: async () => {
					throw Object.assign(new Error(`Invalid key ${API_KEY}`), {
						httpCode: '500',
						response: { status: 500 },
					});
				},
			},
		};
		const failure = await xpertRequest(context as never, {
			method: 'GET',
			path: '/assistants',
		}).catch((error: unknown) => error);
		const shown = visible(failure);
		expect(shown).toContain('***');
		expect(shown).not.toContain(API_KEY);
	});
});
