import { readFileSync } from 'fs';
import * as path from 'path';
import type { INode } from 'n8n-workflow';

import { describeAesKeyProblem } from '../../nodes/DingTalk/crypto/aesKey';
import { CallbackCrypto } from '../../nodes/DingTalk/crypto/CallbackCrypto';
import {
	HttpCallbackVerifier,
	refusalAnswer,
} from '../../nodes/DingTalk/http/HttpCallbackVerifier';
import { credentialChecks } from '../../nodes/DingTalk/methods/credentialTest';
import { streamListeningLine } from '../../nodes/DingTalk/trigger/streamMode';
import {
	appConfigFromCredentials,
	DingTalkApiError,
	HTTP_CREDENTIAL,
} from '../../nodes/DingTalk/transport';
import { interpretResponse } from '../../nodes/DingTalk/transport/errors';
import { xpertError } from '../../nodes/XpertAi/transport/xpertApi';

/**
 * README → Troubleshooting quotes what n8n shows, exactly. Each quoted text (backticks in the table's second column)
 * must be listed here with how it comes about: produced by the code in this test, or asserted literally by an
 * end-to-end test in a real n8n (log lines and texts that need a running n8n). A quote with no entry, an entry the
 * README does not quote, or a text that differs from what the code produces fails the test. `…` in a quote stands
 * for the variable part.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function troubleshootingQuotes(): string[] {
	const start = readme.indexOf('\n## Troubleshooting\n');
	expect(start).toBeGreaterThan(0);
	const section = readme.slice(start + 1).split(/\n## /)[0];
	const rows = section
		.split('\n')
		.filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
		.slice(1);
	expect(rows.length).toBeGreaterThanOrEqual(10);
	return rows.flatMap((row) =>
		[...(row.split('|')[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]),
	);
}

const node: INode = {
	id: 'x',
	name: 'Xpert AI',
	type: '@xpert-ai/n8n-nodes-dingtalk.xpertAi',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const dingTalkError = (...args: Parameters<typeof interpretResponse>) =>
	interpretResponse(...args) as DingTalkApiError;
/** DingTalk's answer to a second decision of an approval task (as the fake gives it). */
const approvalDecidedTwice = () =>
	dingTalkError('api', '/v1.0/workflow/processInstances/execute', 400, {
		code: 'aflowProcessInstCanNotBeExecuted',
		message: '审批状态异常,无法执行',
		requestid: 'r1',
	});
const thrown = (fn: () => unknown): string => {
	try {
		fn();
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('did not throw');
};

type Source = { produced: () => string | Promise<string> } | { e2e: string };

const QUOTES: Record<string, Source> = {
	'mode long_connection, connected no, last error: …': { e2e: 'editor.e2e.test.ts' },
	'DingTalk error invalidClientIdOrSecret: 无效的clientId或者clientSecret': {
		produced: () =>
			dingTalkError('api', '/v1.0/oauth2/accessToken', 400, {
				code: 'invalidClientIdOrSecret',
				message: '无效的clientId或者clientSecret',
			}).message,
	},
	'Check Client ID (AppKey) and Client Secret in the credential: DingTalk Developer Console → your app → Credentials & Basic Info (凭证与基础信息).':
		{
			produced: () =>
				dingTalkError('legacy', '/gettoken', 200, {
					errcode: 40096,
					errmsg: '不合法的appKey或appSecret',
				}).hint as string,
		},
	"DingTalk could not be reached. Check the API Base URL in the credential and the n8n host's network or proxy settings.":
		{
			produced: () =>
				new DingTalkApiError({
					code: 'ECONNREFUSED',
					dingTalkMessage: 'connect ECONNREFUSED',
					kind: 'network',
					endpoint: '/v1.0/oauth2/accessToken',
				}).hint as string,
		},
	'Robot Code is "normal", which is the robot\'s message mode, not its code. Copy RobotCode from DingTalk Developer Console → your app → Robot (机器人), or leave it empty to use the Client ID.':
		{
			produced: () =>
				thrown(() =>
					appConfigFromCredentials({
						clientId: 'dingapp',
						clientSecret: 'secret',
						robotCode: 'normal',
					}),
				),
		},
	'DingTalk Trigger: refused a callback (401 signature mismatch)': {
		e2e: 'httpTrigger.e2e.test.ts',
	},
	'DingTalk Trigger: refused a callback (400 cannot decrypt): the callback was encrypted for another app (AppKey mismatch)':
		{ e2e: 'httpTrigger.e2e.test.ts' },
	'DingTalk Trigger: refused a callback (400 cannot decrypt): bad padding (wrong AES key?)': {
		e2e: 'httpTrigger.e2e.test.ts',
	},
	'cannot decrypt': {
		// One answer for every decryption failure: the AppKey of another app gets the same as garbage.
		produced: () => {
			const verifier = new HttpCallbackVerifier({
				clientId: 'dingapp',
				clientSecret: 'secret',
				callbackToken: 'token',
				callbackAesKey: 'a'.repeat(43),
			});
			const other = new CallbackCrypto('token', 'a'.repeat(43), 'dingotherapp');
			const encrypt = other.encrypt('{"msgtype":"text"}');
			const timestamp = String(Date.now());
			const verdict = verifier.verify({
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				query: { msg_signature: other.signature(timestamp, 'n', encrypt), timestamp, nonce: 'n' },
				body: { encrypt },
				bodyBytes: 200,
			});
			return verdict.kind === 'reject' ? refusalAnswer(verdict).body.error : verdict.kind;
		},
	},
	'DingTalk Trigger: refused a callback (401 timestamp too old)': {
		e2e: 'httpTrigger.e2e.test.ts',
	},
	'encrypted callbacks are not configured on this trigger': {
		produced: () => {
			const verdict = new HttpCallbackVerifier({
				clientId: 'dingapp',
				clientSecret: 'secret',
				callbackToken: '',
				callbackAesKey: '',
			}).verify({
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				query: { msg_signature: 'x', timestamp: String(Date.now()), nonce: 'n' },
				body: { encrypt: 'abc' },
				bodyBytes: 20,
			});
			return verdict.kind === 'reject' ? `${verdict.reason}` : verdict.kind;
		},
	},
	'Callback AES Key must be exactly 43 characters; this one has …. Copy aes_key again from Developer Console → your app → Event Subscription.':
		{
			produced: () => describeAesKeyProblem('abc') as string,
		},
	'Callback Token is empty. Copy Token from Developer Console → your app → Event Subscription.': {
		produced: async () => {
			const check = credentialChecks[HTTP_CREDENTIAL][0];
			return await check({} as never, {} as never, {
				callbackToken: '',
				callbackAesKey: 'a'.repeat(43),
			}).then(
				() => 'passed',
				(error: Error) => error.message,
			);
		},
	},
	"Check the user ID (the staff userId, not the unionId) and that the user is in the app's visible range: Developer Console → your app → Version Management (版本管理与发布) → Visible Range.":
		{
			produced: () =>
				dingTalkError('legacy', '/topapi/v2/user/get', 200, {
					errcode: 60121,
					errmsg: '找不到该用户',
				}).hint as string,
		},
	"… user ID(s) are unknown or outside the app's visible range and got nothing.": {
		e2e: 'actionNode.e2e.test.ts',
	},
	'The app lacks a permission for /topapi/user/listsimple. Grant qyapi_get_member (成员信息读权限) in DingTalk Developer Console → your app → Permissions (权限管理), then publish a new version.':
		{
			produced: () =>
				dingTalkError('legacy', '/topapi/user/listsimple', 200, {
					errcode: 60011,
					errmsg: '应用没有权限',
				}).hint as string,
		},
	'DingTalk error aflowProcessInstCanNotBeExecuted: 审批状态异常,无法执行': {
		produced: () => approvalDecidedTwice().message,
	},
	'The task is already done, or the approval is no longer running (approved, refused or revoked): nothing changed. Get the approval to see its status and tasks. 该审批任务已处理，或审批已结束（已同意、已拒绝或已撤销），本次操作未生效。请 Get 审批实例查看状态和任务。':
		{ produced: () => approvalDecidedTwice().hint as string },
	'DingTalk flow control (QPS limit) persisted after retries. Send fewer requests per second, or split the work over time.':
		{
			produced: () =>
				dingTalkError('api', '/v1.0/robot/oToMessages/batchSend', 429, {
					code: 'Throttling',
					message: 'too many requests',
				}).hint as string,
		},
	'DingTalk Trigger: listening on the Stream connection (workflow …)': {
		produced: () => streamListeningLine('wf4711'),
	},
	'Xpert AI refused the API key': {
		produced: () =>
			xpertError(node, { response: { status: 401 } }, { path: '/assistants/search' }, []).message,
	},
	'Xpert AI refused the API key: check API Key (and Organization ID)': {
		e2e: 'xpertFlows.e2e.test.ts',
	},
	'Digital Expert not found': {
		produced: () =>
			xpertError(node, { response: { status: 404 } }, { path: '/threads/t/runs/wait' }, []).message,
	},
	'Xpert AI did not answer within … s': {
		produced: () =>
			xpertError(
				node,
				{ code: 'ECONNABORTED', message: 'timeout of 120000ms exceeded' },
				{ path: '/threads/t/runs/wait', timeoutMs: 120_000 },
				[],
			).message,
	},
	'Cannot reach the Xpert AI server': {
		produced: () =>
			xpertError(
				node,
				{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
				{ path: '/assistants/search' },
				[],
			).message,
	},
};

/** The quote as a whole-text pattern, `…` matching the variable part. */
const pattern = (quote: string) =>
	new RegExp(
		`^${quote
			.split('…')
			.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
			.join('.+?')}$`,
		's',
	);

describe('README → Troubleshooting quotes exactly what n8n shows', () => {
	const quotes = troubleshootingQuotes();

	it('every quoted text has a source here, and every source is quoted', () => {
		expect([...quotes].sort()).toEqual(Object.keys(QUOTES).sort());
	});

	it.each(Object.entries(QUOTES).filter(([, s]) => 'produced' in s))(
		'produced by the code: %s',
		async (quote, source) => {
			const text = await (source as { produced: () => string | Promise<string> }).produced();
			if (quote.includes('…')) expect(text).toMatch(pattern(quote));
			else expect(text).toBe(quote);
		},
	);

	it.each(Object.entries(QUOTES).filter(([, s]) => 'e2e' in s))(
		'asserted in a real n8n: %s',
		(quote, source) => {
			const test = readFileSync(
				path.join(ROOT, 'test', 'e2e', (source as { e2e: string }).e2e),
				'utf8',
			);
			// The end-to-end test must hold the quote's fixed parts literally (it compares n8n's output with them).
			for (const part of quote
				.split('…')
				.map((p) => p.trim())
				.filter(Boolean))
				expect(test).toContain(part);
		},
	);
});
