import axios from 'axios';
import type { ICredentialTestFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { HttpRequest, HttpResponse, HttpSender } from './types';

interface N8nHttpHelpers {
	httpRequest(options: IHttpRequestOptions): Promise<unknown>;
}

/** Inside nodes: n8n's request helper, so the instance's proxy and SSL settings apply. */
export function n8nHttpSender(helpers: N8nHttpHelpers): HttpSender {
	return async (request: HttpRequest): Promise<HttpResponse> => {
		const response = (await helpers.httpRequest({
			method: request.method,
			url: request.url,
			qs: request.qs,
			headers: request.headers,
			body: request.body as IHttpRequestOptions['body'],
			json: true,
			timeout: request.timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			...(request.noRedirects ? { disableFollowRedirect: true } : {}),
		})) as { statusCode: number; headers: HttpResponse['headers']; body: unknown };
		return {
			status: response.statusCode,
			headers: response.headers ?? {},
			body: parseIfJson(response.body),
		};
	};
}

/** Credential tests only get n8n's older `request` helper; it still goes through n8n's HTTP stack. */
export function n8nLegacyRequestSender(helpers: ICredentialTestFunctions['helpers']): HttpSender {
	return async (request: HttpRequest): Promise<HttpResponse> => {
		const response = (await helpers.request({
			method: request.method,
			uri: request.url,
			qs: request.qs,
			headers: request.headers,
			body: request.body,
			json: true,
			timeout: request.timeoutMs,
			resolveWithFullResponse: true,
			simple: false,
		})) as { statusCode: number; headers: HttpResponse['headers']; body: unknown };
		return {
			status: response.statusCode,
			headers: response.headers ?? {},
			body: parseIfJson(response.body),
		};
	};
}

/** Where no n8n context exists (benchmarks, long-lived connections outside an execution). */
export const axiosSender: HttpSender = async (request) => {
	const response = await axios.request({
		method: request.method,
		url: request.url,
		params: request.qs,
		headers: request.headers,
		data: request.body,
		timeout: request.timeoutMs,
		...(request.noRedirects ? { maxRedirects: 0 } : {}),
		validateStatus: () => true,
		transitional: { silentJSONParsing: true },
	});
	return {
		status: response.status,
		headers: response.headers as HttpResponse['headers'],
		body: parseIfJson(response.data),
	};
};

function parseIfJson(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	if (body === '') return undefined;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}
