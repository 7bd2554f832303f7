import type { IExecuteFunctions } from 'n8n-workflow';

import { execute as replyToEvent } from '../../nodes/DingTalk/actions/message/reply.operation';
import { AccessTokenCache, DingTalkClient, type HttpRequest } from '../../nodes/DingTalk/transport';

// URLs whose WHATWG parse differs from their raw text: the request must go to exactly what was checked.
const TRICKY = [
	'https://oapi.dingtalk.com\\@evil.example/robot/sendBySession?session=1',
	'https://oapi.dingtalk.com\\\\evil.example/robot/sendBySession?session=1',
	'https://oapi.ding\ttalk.com/robot/sendBySession?session=1',
	'https://oapi.dingtalk.com\n/robot/sendBySession?session=1',
	'https://oapi.dingtalk.com/robot/../../x/%2e%2e/sendBySession?session=1',
	'HTTPS://OAPI.DINGTALK.COM:443/robot/%73endBySession?session=1',
	'  https://oapi.dingtalk.com/robot/sendBySession?session=1  ',
];

function run(sessionWebhook: string) {
	const sent: HttpRequest[] = [];
	const client = new DingTalkClient(
		{
			clientId: 'id',
			clientSecret: 'secret',
			robotCode: 'id',
			apiBaseUrl: 'https://api.dingtalk.com',
			legacyApiBaseUrl: 'https://oapi.dingtalk.com',
		} as never,
		async (request) => {
			sent.push(request);
			return { status: 200, headers: {}, body: { errcode: 0, errmsg: 'ok' } };
		},
		{ tokenCache: new AccessTokenCache() },
	);
	const params: Record<string, unknown> = {
		event: {
			conversationType: '2',
			conversationId: 'cid',
			sessionWebhook,
			sessionWebhookExpiredTime: Date.now() + 3_600_000,
		},
		options: {},
		messageType: 'text',
		text: 'hi',
	};
	const context = {
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => params[name] ?? fallback,
		getNode: () => ({ name: 'DingTalk', type: 'dingTalk', typeVersion: 1, parameters: {} }),
	} as unknown as IExecuteFunctions;
	return { sent, done: replyToEvent.call(context, client, 0) };
}

describe('Reply To Event: the session webhook requested is the URL that was checked', () => {
	it.each(TRICKY)('requests the serialized URL for %j', async (raw) => {
		const { sent, done } = run(raw);
		await expect(done).resolves.toMatchObject({ via: 'sessionWebhook' });
		expect(sent).toHaveLength(1);
		expect(sent[0].url).toBe(new URL(raw).href);
		expect(new URL(sent[0].url).host).toBe('oapi.dingtalk.com');
		expect(sent[0].url).not.toMatch(/[\\\t\n ]/);
	});

	it.each([
		'https://evil.example\\@oapi.dingtalk.com/robot/sendBySession',
		'https://oapi.dingtalk.com@evil.example/robot/sendBySession',
		'https://user:pw@oapi.dingtalk.com/robot/sendBySession?session=1',
		'https://oapi.dingtalk.com.evil.example/robot/sendBySession',
	])('sends nothing for %j (not DingTalk, or carries userinfo)', async (raw) => {
		const { sent, done } = run(raw);
		await expect(done).rejects.toThrow('does not point to DingTalk');
		expect(sent).toHaveLength(0);
	});
});
