/** What each way of sending a request hands back to the client: status, headers and body as DingTalk answered. */
import type { IncomingMessage, ServerResponse } from 'http';

import axios from 'axios';
import type { ICredentialTestFunctions, IHttpRequestOptions } from 'n8n-workflow';

import {
	axiosSender,
	n8nHttpSender,
	n8nLegacyRequestSender,
} from '../../../nodes/DingTalk/transport/senders';
import { LoopbackServer } from '../../support/LoopbackServer';

/** Answers by path: an empty 200, a page that is no JSON, a redirect, and the redirect's target (counted). */
class AnsweringServer extends LoopbackServer {
	landings = 0;

	protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		for await (const _chunk of req); // read the body to its end
		if (req.url === '/empty') {
			res.statusCode = 200;
			res.end();
		} else if (req.url === '/gateway') {
			res.statusCode = 502;
			res.setHeader('content-type', 'application/json');
			res.end('<html>Bad Gateway</html>');
		} else if (req.url === '/moved') {
			res.statusCode = 302;
			res.setHeader('location', '/landing');
			res.end();
		} else {
			this.landings++;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ errcode: 0, landed: true }));
		}
	}
}

describe('axiosSender', () => {
	const server = new AnsweringServer();
	beforeAll(async () => await server.start());
	afterAll(async () => await server.stop());

	const send = async (path: string, extra: { noRedirects?: boolean } = {}) =>
		await axiosSender({
			method: 'POST',
			url: `${server.baseUrl}${path}`,
			body: { a: 1 },
			timeoutMs: 5000,
			...extra,
		});

	it('gives an empty answer as no body (an empty 2xx is a success, not an unreadable answer)', async () => {
		const response = await send('/empty');
		expect(response.status).toBe(200);
		expect(response.body).toBeUndefined();
	});

	it('hands a redirect back as it is when told not to follow it, never reaching its target', async () => {
		server.landings = 0;
		const response = await send('/moved', { noRedirects: true });
		expect(response.status).toBe(302);
		expect(response.headers.location).toBe('/landing');
		expect(server.landings).toBe(0);
		// Otherwise redirects are followed.
		expect(
			(await axiosSender({ method: 'GET', url: `${server.baseUrl}/moved`, timeoutMs: 5000 })).body,
		).toEqual({
			errcode: 0,
			landed: true,
		});
	});

	it("reads an answer that is no JSON as its text even where the process's axios defaults ask for strict JSON", async () => {
		// Another package in the n8n process may change axios's shared defaults; the sender must not throw then.
		const { responseType, transitional } = axios.defaults;
		axios.defaults.responseType = 'json';
		axios.defaults.transitional = { ...transitional, silentJSONParsing: false };
		try {
			const response = await send('/gateway');
			expect(response.status).toBe(502);
			expect(response.body).toBe('<html>Bad Gateway</html>');
		} finally {
			axios.defaults.responseType = responseType;
			axios.defaults.transitional = transitional;
		}
	});
});

describe('n8nHttpSender', () => {
	it("gives an empty answer from n8n's helper as no body", async () => {
		const sender = n8nHttpSender({
			httpRequest: async (_options: IHttpRequestOptions) => ({
				statusCode: 200,
				headers: { 'content-length': '0' },
				body: '',
			}),
		});
		const response = await sender({
			method: 'POST',
			url: 'https://api.example.com/x',
			timeoutMs: 1000,
		});
		expect(response).toEqual({ status: 200, headers: { 'content-length': '0' }, body: undefined });
	});
});

describe('n8nLegacyRequestSender (credential tests)', () => {
	const legacy = (answer: {
		statusCode: number;
		headers?: Record<string, string>;
		body: unknown;
	}) =>
		n8nLegacyRequestSender({
			request: async () => answer,
		} as unknown as ICredentialTestFunctions['helpers']);
	const request = { method: 'GET', url: 'https://api.example.com/x', timeoutMs: 1000 } as const;

	it("passes DingTalk's headers on (Retry-After among them)", async () => {
		const response = await legacy({
			statusCode: 429,
			headers: { 'retry-after': '3', 'content-type': 'application/json' },
			body: '{"code":"Throttling","message":"slow down"}',
		})(request);
		expect(response).toEqual({
			status: 429,
			headers: { 'retry-after': '3', 'content-type': 'application/json' },
			body: { code: 'Throttling', message: 'slow down' },
		});
	});

	it('gives no headers as an empty set, and an empty answer as no body', async () => {
		expect(await legacy({ statusCode: 200, body: '' })(request)).toEqual({
			status: 200,
			headers: {},
			body: undefined,
		});
	});
});
