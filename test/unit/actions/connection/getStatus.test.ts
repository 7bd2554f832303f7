import type { IDataObject } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { DingTalkTrigger } from '../../../../nodes/DingTalk/DingTalkTrigger.node';
import { httpWebhookLifecycle } from '../../../../nodes/DingTalk/trigger/httpMode';
import { DingTalkCallbackPusher, defaultFixture } from '../../../fake-dingtalk';
import { runNode } from '../../support/fakeExecuteContext';
import {
	fakeHookContext,
	fakeWebhookContext,
	type FakeTriggerNode,
} from '../../support/fakeWebhookContext';
import { connectionOperationCases } from './cases';

describe('DingTalk → Connection → getStatus', () => connectionOperationCases('getStatus'));

describe('DingTalk → Connection → getStatus with the HTTP credential (HTTP-mode triggers)', () => {
	const app = defaultFixture().apps[0];
	// Reads the clock when it signs, so callbacks carry the fake timers' time.
	const pusher = new DingTalkCallbackPusher(app, () => Date.now());
	// No request leaves: Get Status reads this process's triggers only.
	const credentials = {
		clientId: app.clientId,
		clientSecret: app.clientSecret,
		robotCode: '',
		apiBaseUrl: 'http://127.0.0.1:9',
		legacyApiBaseUrl: 'http://127.0.0.1:9',
		callbackToken: app.callbackToken as string,
		callbackAesKey: app.callbackAesKey as string,
	};
	const secrets = [app.clientSecret, app.callbackToken as string, app.callbackAesKey as string];
	const trigger: FakeTriggerNode = {
		workflowId: 'wfStatus',
		nodeId: 'trigger-1',
		credentials,
		webhookUrl: 'https://n8n.example.com/webhook/status-hook/callback',
	};
	/** A direct text message, as much of one as the trigger needs to accept it. */
	const message = (msgId: string) => ({
		conversationId: 'cidDirecteng0001==',
		conversationType: '1',
		msgId,
		senderStaffId: 'eng0001',
		msgtype: 'text',
		text: { content: 'hello' },
	});

	const getStatus = async (overrides: Partial<typeof credentials> = {}): Promise<IDataObject> => {
		const { output } = await runNode({
			node: new DingTalk(),
			parameters: { authentication: 'httpApi', resource: 'connection', operation: 'getStatus' },
			credentials: { dingTalkHttpApi: { ...credentials, ...overrides } },
		});
		expect(output).toHaveLength(1);
		for (const secret of secrets) expect(JSON.stringify(output)).not.toContain(secret);
		return output[0].json;
	};
	const deliver = async (pushed: ReturnType<typeof pusher.encrypted>) => {
		const { context, answer } = fakeWebhookContext(trigger, pushed);
		await new DingTalkTrigger().webhook.call(context);
		return answer;
	};

	beforeEach(() => {
		jest.useFakeTimers({ advanceTimers: true });
		jest.setSystemTime(new Date('2026-03-04T05:06:07.000Z'));
	});
	afterEach(async () => {
		await httpWebhookLifecycle.default.delete.call(fakeHookContext(trigger));
		jest.useRealTimers();
	});

	it('with no active HTTP-mode trigger of the app here, says so and what to do', async () => {
		expect(await getStatus()).toEqual({
			found: false,
			mode: 'http',
			clientId: app.clientId,
			instance: 'main',
			state: 'none',
			triggers: [],
			recommendedEvents: [
				expect.stringMatching(/^Robot messages: /),
				expect.stringMatching(/^Card callbacks: /),
			],
			message: expect.stringMatching(
				new RegExp(
					`^No active DingTalk Trigger in HTTP mode for app ${app.clientId} in this n8n process\\. ` +
						'Activate a workflow whose DingTalk Trigger has Mode "HTTP Callbacks"',
				),
			),
		});
	});

	it('lists an activated trigger before its first callback; a test listener ("Listen for test event") is not listed', async () => {
		await httpWebhookLifecycle.default.create.call(fakeHookContext({ ...trigger, mode: 'manual' }));
		expect(await getStatus()).toMatchObject({ found: false, triggers: [] });
		await httpWebhookLifecycle.default.create.call(fakeHookContext(trigger));
		const status = await getStatus();
		expect(status).toMatchObject({ found: true, mode: 'http', state: 'active' });
		expect(status.triggers).toEqual([
			{
				callbackUrl: 'https://n8n.example.com/webhook/status-hook/callback',
				signatureAlgorithms: [
					expect.stringMatching(/^SHA-1: msg_signature over the sorted Token, timestamp/),
					expect.stringMatching(/^HmacSHA256: sign header/),
				],
				encryptedCallbacks: true,
				tokenSet: true,
				aesKeySet: true,
				aesKeyValid: true,
				activeSince: '2026-03-04T05:06:07.000Z',
				lastCallbackAt: null,
				lastCallbackSignature: null,
				lastRefusal: null,
				callbacksAccepted: 0,
				callbacksRefused: 0,
			},
		]);
		// Another app's credential sees none of this app's triggers.
		expect(await getStatus({ clientId: 'dingOtherApp' })).toMatchObject({
			found: false,
			state: 'none',
		});
	});

	it("a credential with the app's Client ID but another secret, Token or AES Key sees none of its triggers (the answer of no trigger at all); a copy sees them", async () => {
		const others = [
			{ clientSecret: 'made-up-secret' },
			{ callbackToken: 'made-up-token' },
			{ callbackAesKey: 'b'.repeat(43) },
		];
		const nobodyActive = await Promise.all(others.map(async (other) => await getStatus(other)));
		await httpWebhookLifecycle.default.create.call(fakeHookContext(trigger));
		expect(await deliver(pusher.encrypted(message('msgStatusOwner01==')))).toMatchObject({
			status: 200,
		});
		for (const [i, other] of others.entries()) {
			const seen = await getStatus(other);
			expect(seen).toEqual(nobodyActive[i]);
			expect(seen).toMatchObject({ found: false, triggers: [] });
			expect(JSON.stringify(seen)).not.toContain('status-hook');
		}
		expect(await getStatus({ ...credentials })).toMatchObject({
			found: true,
			triggers: [expect.objectContaining({ callbacksAccepted: 1 })],
		});
	});

	it('after a good callback: its time, its signature, one accepted', async () => {
		await httpWebhookLifecycle.default.create.call(fakeHookContext(trigger));
		jest.setSystemTime(new Date('2026-03-04T05:10:00.000Z'));
		expect((await deliver(pusher.encrypted(message('msgStatusGood01==')))).status).toBe(200);
		const [status] = (await getStatus()).triggers as IDataObject[];
		expect(status).toMatchObject({
			activeSince: '2026-03-04T05:06:07.000Z',
			lastCallbackAt: '2026-03-04T05:10:00.000Z',
			lastCallbackSignature: 'SHA-1',
			lastRefusal: null,
			callbacksAccepted: 1,
			callbacksRefused: 0,
		});
	});

	it("after a refused callback: the refusal's class and time (never the request's content), one refused", async () => {
		await httpWebhookLifecycle.default.create.call(fakeHookContext(trigger));
		expect((await deliver(pusher.signed(message('msgStatusGood02==')))).status).toBe(200);
		jest.setSystemTime(new Date('2026-03-04T05:20:00.000Z'));
		const forged = pusher.encrypted(message('msgStatusForged==<script>'));
		forged.query.msg_signature = 'f'.repeat(40);
		expect(await deliver(forged)).toEqual({ status: 401, body: { error: 'signature mismatch' } });
		const [status] = (await getStatus()).triggers as IDataObject[];
		expect(status).toMatchObject({
			lastCallbackSignature: 'HmacSHA256',
			lastRefusal: { at: '2026-03-04T05:20:00.000Z', status: 401, reason: 'signature mismatch' },
			callbacksAccepted: 1,
			callbacksRefused: 1,
		});
		expect(JSON.stringify(status)).not.toContain('msgStatusForged');
	});

	it('keeps counting when a "Listen for test event" ends: n8n removes test webhooks with a deactivation\'s mode', async () => {
		await httpWebhookLifecycle.default.create.call(fakeHookContext(trigger));
		const accepted = pusher.signed(message('msgStatusGood03=='));
		expect((await deliver(accepted)).status).toBe(200);
		const testHooks = {
			...trigger,
			webhookUrl: 'https://n8n.example.com/webhook-test/status-hook/callback',
		};
		await httpWebhookLifecycle.default.create.call(
			fakeHookContext({ ...testHooks, mode: 'manual' }),
		);
		// What n8n 2.x's TestWebhooks does when the test run ends: deleteWebhook(…, 'internal', 'update').
		await httpWebhookLifecycle.default.delete.call(
			fakeHookContext({ ...testHooks, mode: 'internal' }),
		);
		const [status] = (await getStatus()).triggers as IDataObject[];
		expect(status).toMatchObject({ callbacksAccepted: 1 });
		// And the production node kept its replay memory (it used to be wiped here, so a replay passed).
		expect(await deliver(accepted)).toEqual({
			status: 409,
			body: { error: 'already received (replay)' },
		});
		// A deactivation (same mode, the production URL) does remove it.
		await httpWebhookLifecycle.default.delete.call(
			fakeHookContext({ ...trigger, mode: 'internal' }),
		);
		expect(await getStatus()).toMatchObject({ found: false, triggers: [] });
	});

	it('says when the trigger cannot read encrypted callbacks: booleans only, no key', async () => {
		const badKey = { ...credentials, callbackAesKey: 'too-short-aes-key' };
		await httpWebhookLifecycle.default.create.call(
			fakeHookContext({ ...trigger, credentials: badKey }),
		);
		// Asked with the same credential: the status is its own.
		const [status] = (await getStatus(badKey)).triggers as IDataObject[];
		expect(status).toMatchObject({
			encryptedCallbacks: false,
			signatureAlgorithms: [expect.stringMatching(/^HmacSHA256/)],
			tokenSet: true,
			aesKeySet: true,
			aesKeyValid: false,
		});
		expect(JSON.stringify(status)).not.toContain('too-short-aes-key');
	});
});
