import { performance } from 'perf_hooks';
import * as vm from 'vm';

import { n8nProcessRole, streamConnectionOf } from '../../nodes/DingTalk/actions/connection/lookup';
import { describeAesKeyProblem } from '../../nodes/DingTalk/crypto/aesKey';
import { CallbackCrypto } from '../../nodes/DingTalk/crypto/CallbackCrypto';
import { toCardParamMap } from '../../nodes/DingTalk/helpers/cardData';
import { t } from '../../nodes/DingTalk/helpers/i18n';
import { chunk, parseIdList } from '../../nodes/DingTalk/helpers/lists';
import { type MessageContent, toRobotTemplate, toWebhookBody } from '../../nodes/DingTalk/helpers/messageContent';
import { dingTalkWebhookUrl, replyTargetFromEvent, sessionWebhookUsable } from '../../nodes/DingTalk/helpers/replyTarget';
import { appConfigFromCredentials } from '../../nodes/DingTalk/transport';
import { classify, interpretResponse, permissionFor } from '../../nodes/DingTalk/transport/errors';
import { retryDelayMs } from '../../nodes/DingTalk/transport/retry';
import { AccessTokenCache } from '../../nodes/DingTalk/transport/tokenCache';
import { stripMention } from '../../nodes/DingTalk/pipeline/events';
import { SseParser } from '../../nodes/XpertAi/transport/sse';

describe('parseIdList and chunk', () => {
	it('splits on commas, semicolons, spaces and new lines (ASCII and full-width), trims and de-duplicates', () => {
		expect(parseIdList(' a, b;c\nd  a，e；f ')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
		expect(parseIdList(['x', 'y, z', 'x'])).toEqual(['x', 'y', 'z']);
		expect(parseIdList(undefined)).toEqual([]);
	});
	it('chunks to the given size', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
		expect(chunk(Array.from({ length: 1000 }, (_, i) => i), 20)).toHaveLength(50);
	});
});

describe('robot message templates', () => {
	const card = (n: number, layout: 'vertical' | 'horizontal' = 'vertical'): MessageContent => ({
		type: 'actionCard',
		title: 'T',
		markdown: 'M',
		layout,
		buttons: Array.from({ length: n }, (_, i) => ({ title: `B${i + 1}`, url: `https://x/${i + 1}` })),
	});
	it('maps each message type to DingTalk msgKey and a JSON-string msgParam', () => {
		expect(toRobotTemplate({ type: 'text', text: 'hi' })).toEqual({ msgKey: 'sampleText', msgParam: '{"content":"hi"}' });
		expect(toRobotTemplate({ type: 'markdown', title: 'T', markdown: '# x' })).toEqual({
			msgKey: 'sampleMarkdown',
			msgParam: '{"title":"T","text":"# x"}',
		});
		expect(JSON.parse(toRobotTemplate(card(1)).msgParam)).toEqual({ title: 'T', text: 'M', singleTitle: 'B1', singleURL: 'https://x/1' });
		expect(toRobotTemplate(card(1)).msgKey).toBe('sampleActionCard');
		expect(toRobotTemplate(card(3)).msgKey).toBe('sampleActionCard3');
		expect(JSON.parse(toRobotTemplate(card(5)).msgParam)).toMatchObject({ actionTitle5: 'B5', actionURL5: 'https://x/5' });
		const horizontal = toRobotTemplate(card(2, 'horizontal'));
		expect(horizontal.msgKey).toBe('sampleActionCard6');
		expect(JSON.parse(horizontal.msgParam)).toMatchObject({ buttonTitle2: 'B2', buttonUrl2: 'https://x/2' });
		expect(toRobotTemplate({ type: 'image', photoUrl: '@m' })).toEqual({ msgKey: 'sampleImageMsg', msgParam: '{"photoURL":"@m"}' });
		expect(toRobotTemplate({ type: 'file', mediaId: '@f', fileName: 'a.pdf', fileType: 'pdf' }).msgKey).toBe('sampleFile');
		expect(toRobotTemplate({ type: 'template', msgKey: 'sampleAudio', msgParam: { mediaId: '@a', duration: '1000' } })).toEqual({
			msgKey: 'sampleAudio',
			msgParam: '{"mediaId":"@a","duration":"1000"}',
		});
	});
	it('builds session-webhook bodies, appending @mentions DingTalk needs in the text', () => {
		expect(toWebhookBody({ type: 'text', text: 'hello @u1' }, { userIds: ['u1', 'u2'], all: false })).toEqual({
			msgtype: 'text',
			text: { content: 'hello @u1 @u2' },
			at: { atUserIds: ['u1', 'u2'], isAtAll: false },
		});
		expect(toWebhookBody({ type: 'markdown', title: 'T', markdown: 'x' }, { userIds: [], all: true })).toMatchObject({
			markdown: { title: 'T', text: 'x @all' },
			at: { isAtAll: true },
		});
		expect(toWebhookBody(card(2), { userIds: [], all: false })).toEqual({
			msgtype: 'actionCard',
			actionCard: {
				title: 'T',
				text: 'M',
				btnOrientation: '0',
				btns: [
					{ title: 'B1', actionURL: 'https://x/1' },
					{ title: 'B2', actionURL: 'https://x/2' },
				],
			},
		});
		expect(() => toWebhookBody({ type: 'image', photoUrl: 'x' }, { userIds: [], all: false })).toThrow(/cannot be sent through a session webhook/);
	});
	it('writes card variables as strings', () => {
		expect(toCardParamMap({ a: 'x', b: 2, c: { d: true }, e: null })).toEqual({ a: 'x', b: '2', c: '{"d":true}', e: '""' });
	});
	it('speaks the Preferred Language', () => {
		expect(t('zh-CN', 'defaultButtonTitle')).toBe('查看详情');
		expect(t('en', 'defaultButtonTitle')).toBe('View Details');
	});
});

describe('reply targets', () => {
	it('reads flat trigger items and raw robot payloads', () => {
		expect(replyTargetFromEvent({ conversationType: 'group', conversationId: 'cid1', senderStaffId: 'u1' })).toMatchObject({
			conversationType: 'group',
			conversationId: 'cid1',
		});
		expect(
			replyTargetFromEvent({ raw: { conversationType: '1', senderStaffId: 'u9', sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=s', sessionWebhookExpiredTime: 5 } }),
		).toEqual({
			conversationType: 'direct',
			conversationId: undefined,
			senderStaffId: 'u9',
			sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=s',
			sessionWebhookExpiredTime: 5,
		});
		expect(replyTargetFromEvent({ text: 'no conversation' })).toMatch(/no conversationType/);
	});
	it('uses a session webhook only while it has time left', () => {
		const target = { conversationType: 'direct' as const, sessionWebhook: 'https://x', sessionWebhookExpiredTime: 100_000 };
		expect(sessionWebhookUsable(target, 0)).toBe(true);
		expect(sessionWebhookUsable(target, 95_000)).toBe(false);
		expect(sessionWebhookUsable({ ...target, sessionWebhook: undefined }, 0)).toBe(false);
	});
	it('only trusts the configured DingTalk hosts', () => {
		expect(dingTalkWebhookUrl('https://oapi.dingtalk.com/robot/sendBySession?session=1', ['https://oapi.dingtalk.com'])?.host).toBe('oapi.dingtalk.com');
		expect(dingTalkWebhookUrl('https://evil.example/robot/sendBySession', ['https://oapi.dingtalk.com'])).toBeUndefined();
		expect(dingTalkWebhookUrl('not a url', ['https://oapi.dingtalk.com'])).toBeUndefined();
	});
});

describe('credentials', () => {
	const base = { clientId: 'dingabc', clientSecret: 's3cret' };
	it('defaults Robot Code to the Client ID and the base URLs to DingTalk', () => {
		expect(appConfigFromCredentials(base)).toEqual({
			clientId: 'dingabc',
			clientSecret: 's3cret',
			robotCode: 'dingabc',
			language: 'en',
			apiBaseUrl: 'https://api.dingtalk.com',
			legacyApiBaseUrl: 'https://oapi.dingtalk.com',
		});
	});
	it('says which field to fix', () => {
		expect(() => appConfigFromCredentials({ clientSecret: 'x' })).toThrow(/no Client ID/);
		expect(() => appConfigFromCredentials({ clientId: 'x' })).toThrow(/no Client Secret/);
		expect(() => appConfigFromCredentials({ ...base, robotCode: 'normal' })).toThrow(/message mode, not its code/);
		expect(() => appConfigFromCredentials({ ...base, apiBaseUrl: 'api.dingtalk.com' })).toThrow(/API Base URL .* must start with https/);
	});
	it('validates the callback AES key', () => {
		expect(describeAesKeyProblem('1234567890123456789012345678901234567890123')).toBeUndefined();
		expect(describeAesKeyProblem('123')).toMatch(/exactly 43 characters; this one has 3/);
		expect(describeAesKeyProblem('123456789012345678901234567890123456789012=')).toMatch(/only letters and digits/);
		expect(describeAesKeyProblem('')).toMatch(/empty/);
	});
});

describe('error classification', () => {
	it('recognises both error formats', () => {
		const api = interpretResponse('api', '/v1.0/robot/oToMessages/batchSend', 400, {
			code: 'invalidParameter.robotCode.auth',
			message: 'robotCode 无权限',
			requestid: 'R1',
		});
		expect(api).toMatchObject({ code: 'invalidParameter.robotCode.auth', kind: 'robotCode', requestId: 'R1', httpStatus: 400 });
		expect(api?.hint).toMatch(/RobotCode/);
		const legacy = interpretResponse('legacy', '/topapi/v2/user/get', 200, { errcode: 60121, errmsg: '找不到该用户', request_id: 'R2' });
		expect(legacy).toMatchObject({ code: '60121', kind: 'userNotFound', requestId: 'R2' });
		expect(legacy?.hint).toMatch(/visible range/);
		expect(interpretResponse('legacy', '/topapi/v2/user/get', 200, { errcode: 0, result: {} })).toBeUndefined();
		expect(interpretResponse('api', '/x', 200, { any: 1 })).toBeUndefined();
	});
	it('maps invalid tokens (code 88 with sub_code 40014), flow control, quota, permissions and 5xx', () => {
		expect(interpretResponse('legacy', '/topapi/x', 200, { errcode: 88, sub_code: '40014', sub_msg: '不合法的access_token' })?.kind).toBe('invalidToken');
		expect(classify('InvalidAuthentication', 400)).toBe('invalidToken');
		expect(classify('Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', 403)).toBe('flowControl');
		expect(classify('90018', 200)).toBe('flowControl');
		expect(classify('x', 429)).toBe('flowControl');
		expect(classify('Forbidden.AccessDenied.ApiCountLimitForOrg', 403)).toBe('quota');
		expect(classify('Forbidden.AccessDenied.AccessTokenPermissionDenied', 403)).toBe('permission');
		expect(classify('unknownError', 500)).toBe('server');
		expect(classify('invalidClientIdOrSecret', 400)).toBe('credentials');
		const permission = interpretResponse('api', '/v1.0/robot/groupMessages/send', 403, { code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied', message: 'no' });
		expect(permission?.hint).toMatch(/qyapi_robot_sendmsg/);
	});
	it('treats a non-JSON answer as an invalid response', () => {
		expect(interpretResponse('api', '/x', 200, '<html>')).toMatchObject({ code: 'INVALID_RESPONSE', kind: 'invalidResponse' });
		expect(interpretResponse('api', '/x', 502, '<html>')).toMatchObject({ code: 'HTTP_502', kind: 'server' });
	});
});

describe('every regex that sees input data stays linear (1 MB adversarial strings)', () => {
	const MB = 1024 * 1024;
	const LIMIT_MS = 200;
	/**
	 * Best of up to three runs, so a busy machine does not fail a linear pass (1 MB takes a few ms; a quadratic pattern
	 * takes minutes). vm's watchdog interrupts a runaway regex: such a case fails here in 2 s instead of hanging jest.
	 */
	function bestMs(work: () => unknown): number {
		const context = vm.createContext({ work });
		let best = Infinity;
		for (let attempt = 0; attempt < 3 && best >= LIMIT_MS; attempt++) {
			const started = performance.now();
			vm.runInContext('work()', context, { timeout: 2000 });
			best = Math.min(best, performance.now() - started);
		}
		return best;
	}
	const crypto = new CallbackCrypto('token', '1234567890123456789012345678901234567890123', 'dingapp');
	const decrypt = (text: string) => () => {
		try {
			crypto.decrypt(text);
		} catch {
			// refused: what counts is how long the check took
		}
	};
	const cases: Array<[string, () => unknown]> = [
		['message text: spaces between two letters', () => stripMention(`a${' '.repeat(MB)}b`)],
		['message text: U+3000 between two letters', () => stripMention(`a${'\u3000'.repeat(MB)}b`)],
		['message text: mixed whitespace between two letters', () => stripMention(`a${' \t\n\u00a0\u3000\ufeff'.repeat(MB / 6)}b`)],
		['message text: @mentions', () => stripMention(`${'@Bo'.repeat(MB / 3)}t`, ['Bot'])],
		['DingTalk error code: robot, then "not" repeated', () => classify(`robot${'not'.repeat(MB / 3)}`, 400)],
		['DingTalk error code: "robotnot" repeated', () => classify('robotnot'.repeat(MB / 8), 400)],
		['DingTalk error code: "ROBOT 不" repeated', () => classify('ROBOT 不'.repeat(MB / 7), 400)],
		['DingTalk error code: permission prefixes', () => classify('Forbidden.AccessDenied.'.repeat(MB / 23), 403)],
		['DingTalk error answer through interpretResponse', () => interpretResponse('api', '/v1.0/robot/x', 400, { code: `robot${'not'.repeat(MB / 3)}`, message: 'x' })],
		['endpoint permission lookup', () => permissionFor(`/v1.0/card${'/'.repeat(MB)}`)],
		['ID lists: separators between two IDs', () => parseIdList(`a${' ,;，；\n'.repeat(MB / 6)}b`)],
		['ID lists: 64 K IDs of 15 characters', () => parseIdList('abcdefghijklmno,'.repeat(MB / 16))],
		['encrypted callback: base64 then a bad character', decrypt(`${'A'.repeat(MB)}!`)],
		['encrypted callback: base64 then too many "="', decrypt(`${'A'.repeat(MB)}===`)],
		['Xpert SSE stream: carriage returns without line feeds', () => new SseParser().push('\r'.repeat(MB))],
	];
	it.each(cases)('%s', (_label, work) => {
		expect(bestMs(work)).toBeLessThan(LIMIT_MS);
	});
	it('the error-code check still means what its pattern meant', () => {
		const pattern = /robot.*(not.*exist|不存在)/i;
		const words = ['robot', 'ROBOT', 'not', 'NoT', 'exist', '不存在', 'x', '\n', ' '];
		let seed = 7;
		const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
		for (let i = 0; i < 5000; i++) {
			const code = Array.from({ length: 1 + Math.floor(random() * 6) }, () => words[Math.floor(random() * words.length)]).join('');
			expect([code, classify(code, 400) === 'robotCode']).toEqual([code, pattern.test(code)]);
		}
		expect(classify('robot.not.exist', 400)).toBe('robotCode');
		expect(classify('Robot不存在', 400)).toBe('robotCode');
		expect(classify('robot\nnot exist', 400)).toBe('invalidRequest');
	});
});

describe('retry delays', () => {
	const policy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 8000 };
	it('grows exponentially with jitter and a cap', () => {
		expect(retryDelayMs(0, policy, undefined, () => 0)).toBe(500);
		expect(retryDelayMs(0, policy, undefined, () => 1)).toBe(1000);
		expect(retryDelayMs(2, policy, undefined, () => 1)).toBe(4000);
		expect(retryDelayMs(10, policy, undefined, () => 1)).toBe(8000);
		expect(retryDelayMs(10, policy, undefined, () => 0)).toBe(4000);
	});
	it('honours Retry-After, within the cap', () => {
		expect(retryDelayMs(0, policy, 2)).toBe(2000);
		expect(retryDelayMs(0, policy, 60)).toBe(8000);
	});
});

describe('AccessTokenCache', () => {
	it('reuses a token until 5 minutes before expiry, then fetches again', async () => {
		let now = 0;
		const cache = new AccessTokenCache(() => now);
		let issued = 0;
		const fetch = async () => ({ token: `t${++issued}`, expiresInSeconds: 7200 });
		expect(await cache.get('k', fetch)).toBe('t1');
		now = 6_899_000;
		expect(await cache.get('k', fetch)).toBe('t1');
		now = 6_900_001;
		expect(await cache.get('k', fetch)).toBe('t2');
	});
	it('makes concurrent callers share one fetch, and lets a failed fetch be retried', async () => {
		const cache = new AccessTokenCache();
		let calls = 0;
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const fetch = async () => {
			calls++;
			await gate;
			return { token: 'shared', expiresInSeconds: 7200 };
		};
		const all = Promise.all(Array.from({ length: 100 }, async () => await cache.get('k', fetch)));
		release();
		expect(new Set(await all)).toEqual(new Set(['shared']));
		expect(calls).toBe(1);
		const failing = new AccessTokenCache();
		await expect(failing.get('k', async () => await Promise.reject(new Error('down')))).rejects.toThrow('down');
		expect(await failing.get('k', fetch)).toBe('shared');
	});
	it('invalidates only the token that failed', async () => {
		const cache = new AccessTokenCache();
		await cache.get('k', async () => ({ token: 'new', expiresInSeconds: 7200 }));
		cache.invalidate('k', 'old');
		expect(await cache.get('k', async () => ({ token: 'other', expiresInSeconds: 7200 }))).toBe('new');
		cache.invalidate('k', 'new');
		expect(await cache.get('k', async () => ({ token: 'other', expiresInSeconds: 7200 }))).toBe('other');
	});
	it('keys by base URL, app and secret', () => {
		expect(AccessTokenCache.keyFor('u', 'a', 's1')).not.toBe(AccessTokenCache.keyFor('u', 'a', 's2'));
		expect(AccessTokenCache.keyFor('u', 'a', 's1')).not.toContain('s1');
	});
});

describe('Connection operations: where the Stream connection lives', () => {
	const client = { app: { clientId: 'dingNoSuchApp', apiBaseUrl: 'https://api.example' } } as Parameters<typeof streamConnectionOf>[0];
	it('knows n8n\'s process roles from its command line', () => {
		expect(n8nProcessRole(['node', 'n8n', 'worker', '--concurrency=5'])).toBe('worker');
		expect(n8nProcessRole(['node', 'n8n', 'webhook'])).toBe('webhook');
		expect(n8nProcessRole(['node', 'n8n', 'start'])).toBe('main');
		expect(n8nProcessRole(['node', 'n8n', 'execute', '--id=1'])).toBe('main');
	});
	it('on a queue-mode worker, says the connection is on the main instance and how to watch it', () => {
		expect(streamConnectionOf(client, 'worker')).toMatchObject({
			found: false,
			instance: 'worker',
			state: 'onMainInstance',
			message: expect.stringContaining('lives on the main instance'),
		});
		expect(streamConnectionOf(client, 'main')).toMatchObject({ found: false, instance: 'main', state: 'none' });
	});
});
