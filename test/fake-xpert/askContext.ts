import axios from 'axios';
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { FakeDingTalk } from '../fake-dingtalk';
import type { FakeXpert } from './FakeXpert';

/**
 * A small n8n execute context for running Xpert AI → Ask (Streaming) against the fake Xpert and the fake DingTalk
 * over real HTTP (axios, as n8n's helpers use), outside n8n: unit tests and the streaming bench.
 */
export function askStreamingContext(
	xpert: FakeXpert,
	dingTalk: FakeDingTalk,
	params: Record<string, unknown>,
	cancel?: AbortSignal,
): IExecuteFunctions {
	const request = async (options: IHttpRequestOptions, headers: Record<string, string> = {}) => {
		const response = await axios.request({
			method: options.method,
			url: options.url,
			params: options.qs,
			headers: { ...(options.headers as Record<string, string>), ...headers },
			data: options.body,
			timeout: options.timeout,
			signal: options.abortSignal as AbortSignal | undefined,
			responseType: options.encoding === 'stream' ? 'stream' : 'json',
			validateStatus: options.ignoreHttpStatusErrors ? () => true : undefined,
		});
		return options.returnFullResponse
			? { statusCode: response.status, headers: response.headers, body: response.data }
			: response.data;
	};
	const all: Record<string, unknown> = {
		expert: 'xpert-helpdesk-0001',
		sessionKey: '',
		cardField: 'content',
		options: {},
		...params,
	};
	const context = {
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => all[name] ?? fallback,
		getNode: () => ({
			id: '1',
			name: 'Xpert AI',
			type: 'xpertAi',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getCredentials: async (type: string) =>
			type === 'xpertAiApi' ? xpert.credentials() : dingTalk.appConfig(),
		getExecutionCancelSignal: () => cancel,
		helpers: {
			httpRequest: request,
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) =>
				await request(options, { 'x-api-key': xpert.apiKey }),
		},
	};
	return context as unknown as IExecuteFunctions;
}

/** An AI card the fake DingTalk knows, as Card → Send would have created it. */
export function fakeAiCard(dingTalk: FakeDingTalk, outTrackId: string): void {
	dingTalk.cards.set(outTrackId, {
		cardTemplateId: 'ai-card',
		cardData: {},
		privateData: undefined,
		openSpaceId: 'x',
		callbackType: undefined,
		streams: [],
		fieldValues: {},
		finalized: false,
		failed: false,
	});
}
