import { createServer } from 'http';
import type { AddressInfo } from 'net';

import { DecisionKeys } from '../../nodes/DingTalk/crypto/decisionKey';
import { Decisions } from '../../nodes/DingTalk/pipeline/Decisions';
import type { DingTalkAppConfig } from '../../nodes/DingTalk/transport';
import { HttpCallbackReceiver } from '../../nodes/DingTalk/trigger/HttpCallbackReceiver';
import { activeHttpTrigger, forgetHttpTrigger } from '../../nodes/DingTalk/trigger/httpRegistry';
import {
	CALLBACK_TIMESTAMP_WINDOW_MS,
	DECRYPTION_REFUSAL,
	HttpCallbackVerifier,
	type HttpCallbackRequest,
	refusalAnswer,
	refusalLogLine,
} from '../../nodes/DingTalk/http/HttpCallbackVerifier';
import { ReplayGuard } from '../../nodes/DingTalk/http/ReplayGuard';
import type { EventPipeline } from '../../nodes/DingTalk/pipeline/EventPipeline';
import { DEFAULT_PIPELINE_OPTIONS } from '../../nodes/DingTalk/pipeline/options';
import { TOPIC_ORG_EVENT } from '../../nodes/DingTalk/transport/orgEvents';
import { badCallbackCases } from '../fake-dingtalk/badCallbacks';
import {
	approvalEventData,
	EVENT_CORP_ID,
	EVENT_FIXTURES,
	httpEventPayload,
} from '../fake-dingtalk/orgEvents';
import { DingTalkCallbackPusher, type PushedCallback } from '../fake-dingtalk/callbackPush';
import { DECISION_TEMPLATE_ID } from '../fake-dingtalk/cardClicks';
import { FakeDingTalk } from '../fake-dingtalk/FakeDingTalk';
import { defaultFixture } from '../fake-dingtalk/fixture';
import {
	REFUSALS_WITHOUT_A_CASE,
	refusalKindsInCode,
	refusalKindsWithoutACase,
} from '../support/refusalKinds';

const app = defaultFixture().apps[0];
const settings = {
	clientId: app.clientId,
	clientSecret: app.clientSecret,
	callbackToken: app.callbackToken as string,
	callbackAesKey: app.callbackAesKey as string,
};
const pusher = new DingTalkCallbackPusher(app);

function message(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		conversationId: 'cidDirecteng0001==',
		conversationType: '1',
		msgId: `msg${Math.random().toString(36).slice(2)}==`,
		senderStaffId: 'eng0001',
		senderNick: '王芳',
		senderId: '$:LWCP_v1:$eng0001',
		chatbotUserId: '$:LWCP_v1:$bot==',
		robotCode: app.robotCode,
		createAt: Date.now(),
		msgtype: 'text',
		text: { content: 'hello' },
		sessionWebhook: 'http://127.0.0.1:1/robot/sendBySession?session=x',
		sessionWebhookExpiredTime: Date.now() + 60_000,
		...overrides,
	};
}

const cardClick = (action: string) => ({
	outTrackId: 'track-1',
	userId: 'eng0001',
	spaceType: 'im',
	spaceId: 'cidDirecteng0001==',
	type: 'actionCallback',
	content: JSON.stringify({ cardPrivateData: { actionIds: ['btn'], params: { action } } }),
});

/** What n8n hands the webhook: the parsed body and its size. */
function asRequest(pushed: PushedCallback): HttpCallbackRequest {
	const json = (pushed.headers['content-type'] ?? '').startsWith('application/json');
	return {
		method: pushed.method,
		headers: pushed.headers,
		query: pushed.query,
		body: json ? (JSON.parse(pushed.body) as unknown) : pushed.body,
		bodyBytes: Buffer.byteLength(pushed.body),
	};
}

describe('HttpCallbackVerifier', () => {
	it('accepts an encrypted robot message DingTalk signed, and reads it', () => {
		const payload = message();
		const verdict = new HttpCallbackVerifier(settings).verify(asRequest(pusher.encrypted(payload)));
		expect(verdict).toEqual({
			kind: 'callback',
			encrypted: true,
			callback: { topic: '/v1.0/im/bot/messages/get', messageId: payload.msgId, data: payload },
		});
	});

	it('accepts a plain robot callback signed with the Client Secret', () => {
		const payload = message();
		const verdict = new HttpCallbackVerifier(settings).verify(asRequest(pusher.signed(payload)));
		expect(verdict).toMatchObject({
			kind: 'callback',
			encrypted: false,
			callback: { messageId: payload.msgId },
		});
	});

	it('accepts the other spellings of the query parameters (signature, timeStamp)', () => {
		const pushed = pusher.encrypted(message());
		const query = {
			signature: pushed.query.msg_signature,
			timeStamp: pushed.query.timestamp,
			nonce: pushed.query.nonce,
		};
		expect(new HttpCallbackVerifier(settings).verify({ ...asRequest(pushed), query }).kind).toBe(
			'callback',
		);
	});

	it("answers GET (DingTalk's reachability check) and check_url", () => {
		const verifier = new HttpCallbackVerifier(settings);
		expect(
			verifier.verify({ method: 'GET', headers: {}, query: {}, body: {}, bodyBytes: 0 }),
		).toEqual({ kind: 'reachability' });
		expect(verifier.verify(asRequest(pusher.encrypted({ EventType: 'check_url' })))).toEqual({
			kind: 'urlCheck',
		});
	});

	it('reads encrypted organisation events (legacy and current fields) into the pipeline; one run per eventId', async () => {
		const verifier = new HttpCallbackVerifier(settings);
		const event = httpEventPayload('bpms_instance_change', approvalEventData({ type: 'start' }), {
			eventId: 'evt-http-1',
		});
		const verdict = verifier.verify(asRequest(pusher.encrypted(event)));
		expect(verdict).toMatchObject({
			kind: 'callback',
			encrypted: true,
			callback: {
				topic: TOPIC_ORG_EVENT,
				messageId: 'evt-http-1',
				data: { eventType: 'bpms_instance_change', eventId: 'evt-http-1', corpId: EVENT_CORP_ID },
			},
		});
		const legacy = verifier.verify(
			asRequest(
				pusher.encrypted(
					httpEventPayload('user_leave_org', EVENT_FIXTURES.user_leave_org(), { legacy: true }),
				),
			),
		);
		expect(legacy).toMatchObject({
			kind: 'callback',
			callback: {
				data: {
					eventType: 'user_leave_org',
					corpId: EVENT_CORP_ID,
					bornAt: 1764547200000,
					data: { UserId: ['sales0004'], userId: ['sales0004'] },
				},
			},
		});
		// A signed plain callback never carries an event.
		expect(verifier.verify(asRequest(pusher.signed(event)))).toMatchObject({
			kind: 'reject',
			reason: 'unsupported event type',
		});
		// DingTalk's retry (re-encrypted, same eventId) is held by the verifier's replay memory (answered, not run)...
		expect(verifier.verify(asRequest(pusher.encrypted(event)))).toEqual({
			kind: 'duplicate',
			encrypted: true,
			messageId: 'evt-http-1',
		});
		// ...and the pipeline de-duplicates on eventId too (a retry read by a verifier that has not seen the event).
		const receiver = new HttpCallbackReceiver(settings, {
			...DEFAULT_PIPELINE_OPTIONS,
			events: ['orgEvent'],
			orgEventTypes: ['bpms_instance_change'],
		});
		const retry = new HttpCallbackVerifier(settings).verify(asRequest(pusher.encrypted(event)));
		if (verdict.kind !== 'callback' || retry.kind !== 'callback') throw new Error('not read');
		const first = await receiver.receive(verdict.callback);
		const second = await receiver.receive(retry.callback);
		expect(first.item).toMatchObject({ event: 'orgEvent', eventId: 'evt-http-1' });
		expect(second.item).toBeUndefined();
		receiver.close();
	});

	it("the fake's HTTP event push retries until it reads an encrypted success; the retry runs nothing twice", async () => {
		const verifier = new HttpCallbackVerifier(settings);
		const receiver = new HttpCallbackReceiver(settings, {
			...DEFAULT_PIPELINE_OPTIONS,
			events: ['orgEvent'],
			orgEventTypes: ['*'],
		});
		const items: unknown[] = [];
		const refusals: string[] = [];
		let requests = 0;
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString()));
			req.on('end', () => {
				requests++;
				const url = new URL(req.url ?? '/', 'http://x');
				const verdict = verifier.verify({
					method: req.method ?? 'POST',
					headers: req.headers,
					query: Object.fromEntries(url.searchParams),
					body: JSON.parse(body) as unknown,
					bodyBytes: body.length,
				});
				// DingTalk's retry of an event already read is held by the replay memory: answered, not run.
				if (verdict.kind === 'duplicate') {
					res
						.writeHead(200, { 'content-type': 'application/json' })
						.end(JSON.stringify(verifier.encryptedSuccess()));
					return;
				}
				// A refusal is recorded and answered, not thrown: a throw here would kill the test process.
				if (verdict.kind !== 'callback') {
					refusals.push(verdict.kind);
					res.writeHead(400).end();
					return;
				}
				void receiver.receive(verdict.callback).then((reception) => {
					if (reception.item) items.push(reception.item);
					// The first push is answered too late for DingTalk (a failed answer), the retry in time.
					if (requests === 1) res.writeHead(500).end();
					else
						res
							.writeHead(200, { 'content-type': 'application/json' })
							.end(JSON.stringify(verifier.encryptedSuccess()));
				});
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const answers = await pusher.pushEvent(
				`http://127.0.0.1:${port}/callback`,
				httpEventPayload('user_add_org', EVENT_FIXTURES.user_add_org(), { legacy: true }),
				{ retryDelaysMs: [10, 10, 10] },
			);
			expect(refusals).toEqual([]);
			expect(answers.map((answer) => answer.status)).toEqual([500, 200]);
			expect(items).toHaveLength(1);
		} finally {
			server.close();
			receiver.close();
		}
	});

	it('encrypts a "success" answer DingTalk can verify and decrypt', () => {
		const answer = new HttpCallbackVerifier(settings).encryptedSuccess();
		expect(Object.keys(answer).sort()).toEqual(['encrypt', 'msg_signature', 'nonce', 'timeStamp']);
		expect(pusher.readAnswer(answer)).toBe('success');
	});

	it('reads card callbacks, encrypted or signed, and gives each click its own ID', () => {
		const verifier = new HttpCallbackVerifier(settings);
		const a = verifier.verify(
			asRequest(pusher.signed(cardClick('like'), { timestamp: String(Date.now()) })),
		);
		const b = verifier.verify(
			asRequest(pusher.signed(cardClick('dislike'), { timestamp: String(Date.now() + 1) })),
		);
		const c = verifier.verify(asRequest(pusher.encrypted(cardClick('end_session'))));
		for (const verdict of [a, b, c])
			expect(verdict).toMatchObject({
				kind: 'callback',
				callback: { topic: '/v1.0/card/instances/callback' },
			});
		const id = (v: typeof a) => (v.kind === 'callback' ? v.callback.messageId : '');
		expect(new Set([id(a), id(b), id(c)]).size).toBe(3);
		// The same person's same click on the same card inside the hour is held: answered, never run (see below).
		expect(
			verifier.verify(
				asRequest(pusher.signed(cardClick('like'), { timestamp: String(Date.now() + 2) })),
			),
		).toMatchObject({ kind: 'duplicate', encrypted: false });
	});

	it('without a usable AES key refuses encrypted callbacks (503) but still serves signed robot callbacks', () => {
		const verifier = new HttpCallbackVerifier({ ...settings, callbackAesKey: 'too-short' });
		expect(verifier.encryptionProblem).toMatch(/43 characters/);
		expect(verifier.verify(asRequest(pusher.encrypted(message())))).toMatchObject({
			kind: 'reject',
			status: 503,
		});
		expect(verifier.verify(asRequest(pusher.signed(message()))).kind).toBe('callback');
	});

	const cases = badCallbackCases(pusher, () => message()).filter((c) => !c.refusedByN8n);
	it('has a case for every refusal the verifier can answer (read from its code)', () => {
		expect(refusalKindsInCode().length).toBeGreaterThanOrEqual(25);
		expect(refusalKindsWithoutACase(cases)).toEqual(Object.keys(REFUSALS_WITHOUT_A_CASE).sort());
	});

	it.each(cases.map((c) => [c.name, c] as const))('refuses: %s', (_name, badCase) => {
		const verifier = new HttpCallbackVerifier(settings);
		if (badCase.before)
			expect(verifier.verify(asRequest(badCase.before())).kind).not.toBe('reject');
		const verdict = verifier.verify(asRequest(badCase.request()));
		expect(verdict).toMatchObject({ kind: 'reject', status: badCase.status });
		if (verdict.kind !== 'reject') return;
		if (badCase.decryption) {
			expect(verdict.reason).toBe(DECRYPTION_REFUSAL.reason);
			expect(verdict.detail).toContain(badCase.reason);
			expect(refusalLogLine(verdict)).toContain(badCase.reason);
		} else {
			expect(verdict.reason).toContain(badCase.reason);
		}
		for (const secret of Object.values(settings))
			expect(refusalLogLine(verdict)).not.toContain(secret);
	});

	it('gives every decryption failure, the AppKey mismatch included, one byte-identical answer (no padding oracle)', () => {
		const decryption = cases.filter((c) => c.decryption);
		expect(decryption.map((c) => c.name)).toEqual(
			expect.arrayContaining([
				'bad padding',
				'length field larger than the plaintext',
				'wrong appKey (encrypted for another app)',
			]),
		);
		const answers = decryption.map((badCase) => {
			const verifier = new HttpCallbackVerifier(settings);
			if (badCase.before) verifier.verify(asRequest(badCase.before()));
			const verdict = verifier.verify(asRequest(badCase.request()));
			if (verdict.kind !== 'reject') throw new Error(`${badCase.name} was not refused`);
			return JSON.stringify(refusalAnswer(verdict));
		});
		expect(new Set(answers)).toEqual(
			new Set([JSON.stringify({ status: 400, body: { error: 'cannot decrypt' } })]),
		);
		// …while the log still tells the admin which one it was.
		expect(new Set(decryption.map((c) => c.reason)).size).toBeGreaterThanOrEqual(7);
	});
});

describe('replays reshaped so the signature still holds (issue 10 item 1)', () => {
	it.each(['shiftedDigits', 'movedPadding'] as const)(
		'%s: a replayed card click is refused and starts no second run',
		async (how) => {
			const receiver = new HttpCallbackReceiver(settings, {
				...DEFAULT_PIPELINE_OPTIONS,
				events: ['message', 'cardCallback'],
			});
			const { original, replay } = pusher.reshapedReplay(cardClick('approve'), how);
			expect(replay.query.msg_signature).toBe(original.query.msg_signature);
			const items = [];
			for (const request of [original, replay]) {
				const verdict = receiver.verifier.verify(asRequest(request));
				if (verdict.kind === 'callback')
					items.push((await receiver.receive(verdict.callback)).item);
			}
			expect(items).toHaveLength(1);
			expect(items[0]).toMatchObject({ event: 'cardCallback', outTrackId: 'track-1' });
			expect(receiver.verifier.verify(asRequest(replay))).toMatchObject({
				kind: 'reject',
				status: 400,
			});
			receiver.close();
		},
	);

	it('the same ciphertext under another timestamp and nonce, validly signed, is a replay', () => {
		const verifier = new HttpCallbackVerifier(settings);
		const first = pusher.encrypted(cardClick('approve'));
		expect(verifier.verify(asRequest(first)).kind).toBe('callback');
		const encrypt = (JSON.parse(first.body) as { encrypt: string }).encrypt;
		const timestamp = String(Number(first.query.timestamp) + 5);
		const nonce = 'anotherNonce0001';
		const again = {
			...first,
			query: {
				msg_signature: pusher.crypto.signature(timestamp, nonce, encrypt),
				timestamp,
				nonce,
			},
		};
		expect(verifier.verify(asRequest(again))).toMatchObject({
			kind: 'reject',
			status: 409,
			reason: 'already received (replay)',
		});
	});

	it('refuses timestamps in seconds: DingTalk sends milliseconds, and only one form is accepted', () => {
		const seconds = pusher.encrypted(message(), {
			timestamp: String(Math.floor(Date.now() / 1000)),
		});
		expect(new HttpCallbackVerifier(settings).verify(asRequest(seconds))).toMatchObject({
			kind: 'reject',
			status: 400,
			reason: 'timestamp must be 13-digit milliseconds',
		});
		const signedSeconds = pusher.signed(message(), {
			timestamp: String(Math.floor(Date.now() / 1000)),
		});
		expect(new HttpCallbackVerifier(settings).verify(asRequest(signedSeconds))).toMatchObject({
			kind: 'reject',
			status: 400,
		});
	});
});

describe('replays are held by what the event means, not only by its bytes (issue 20 item 3)', () => {
	const click = (action: string, userId = 'eng0001') => ({
		extension: '{}',
		corpId: 'dingfakecorp0001',
		spaceType: 'im',
		userIdType: 1,
		type: 'actionCallback',
		userId,
		content: JSON.stringify({ cardPrivateData: { actionIds: ['btn'], params: { action } } }),
		spaceId: 'cidDirecteng0001==',
		outTrackId: 'track-flip',
		value: JSON.stringify({ cardPrivateData: { actionIds: ['btn'], params: { action } } }),
	});

	it('a card click whose first ciphertext block a Token holder flipped (and signed again) is held: answered, no second run', async () => {
		const receiver = new HttpCallbackReceiver(settings, {
			...DEFAULT_PIPELINE_OPTIONS,
			events: ['message', 'cardCallback'],
		});
		try {
			const { original, replay, decrypted } = pusher.flippedReplay(click('approve'));
			expect(decrypted).toContain('"Xxtension":"{}"');
			expect(replay.query.timestamp).not.toBe(original.query.timestamp);
			const items = [];
			for (const request of [original, replay]) {
				const verdict = receiver.verifier.verify(asRequest(request));
				if (verdict.kind === 'callback')
					items.push((await receiver.receive(verdict.callback)).item);
				else expect(verdict).toMatchObject({ kind: 'duplicate', encrypted: true });
			}
			expect(items).toHaveLength(1);
			expect(items[0]).toMatchObject({ event: 'cardCallback', outTrackId: 'track-flip' });
		} finally {
			receiver.close();
		}
	});

	it('a flipped robot message (same msgId) is held (answered, not run); other clicks and other people still run', () => {
		const verifier = new HttpCallbackVerifier(settings);
		// senderPlatform first, as in DingTalk's field list: the flip renames it, and the message still reads.
		const flipped = pusher.flippedReplay({
			senderPlatform: 'Mac',
			...message({ msgId: 'msgFlip0001==' }),
		});
		expect(flipped.decrypted).toContain('"XenderPlatform":"Mac"');
		expect(verifier.verify(asRequest(flipped.original)).kind).toBe('callback');
		expect(verifier.verify(asRequest(flipped.replay))).toMatchObject({ kind: 'duplicate' });
		expect(verifier.verify(asRequest(pusher.encrypted(click('approve')))).kind).toBe('callback');
		expect(verifier.verify(asRequest(pusher.encrypted(click('decline')))).kind).toBe('callback');
		expect(verifier.verify(asRequest(pusher.encrypted(click('approve', 'eng0002')))).kind).toBe(
			'callback',
		);
		// The same click under another captured timestamp and sign (plain), or encrypted afresh: a replay.
		expect(verifier.verify(asRequest(pusher.signed(click('approve'))))).toMatchObject({
			kind: 'duplicate',
		});
		expect(verifier.verify(asRequest(pusher.encrypted(click('decline'))))).toMatchObject({
			kind: 'duplicate',
		});
	});

	it('refuses a card callback without a userId (a renamed key would otherwise make a click of its own)', () => {
		const { userId: _dropped, ...noUser } = click('approve');
		expect(
			new HttpCallbackVerifier(settings).verify(asRequest(pusher.encrypted(noUser))),
		).toMatchObject({ kind: 'reject', status: 400, reason: 'card callback without userId' });
	});
});

describe('a validly signed callback nested very deep (issue 20 item 5)', () => {
	// Built as text: JSON.stringify itself cannot walk this deep.
	const levels = 100_000;
	const deepClick = `{"outTrackId":"track-deep","userId":"eng0001","value":${'{"a":'.repeat(levels)}"x"${'}'.repeat(levels)}}`;

	it('a signed card click whose value is nested 100,000 deep gets the 400 of an unreadable event, never a throw', () => {
		const pushed = pusher.signed({});
		const request = { ...asRequest(pushed), body: JSON.parse(deepClick) as unknown };
		expect(new HttpCallbackVerifier(settings).verify(request)).toMatchObject({
			kind: 'reject',
			status: 400,
			reason: 'unreadable event',
			// The error's own message for the log, not its String() with the class name.
			detail: 'the event cannot be read: Maximum call stack size exceeded',
		});
	});

	it('so does the same click encrypted', () => {
		const pushed = pusher.encrypted({}, { plaintext: deepClick });
		expect(new HttpCallbackVerifier(settings).verify(asRequest(pushed))).toMatchObject({
			kind: 'reject',
			status: 400,
		});
	});
});

describe('plain robot callbacks are held for the whole timestamp window (issue 10 item 3)', () => {
	it('an identical replay 11 and 59 minutes later is refused and starts no second run; after the hour it is too old', async () => {
		// Fake timers move every clock (the pipeline's de-duplication forgets after 10 minutes of Date.now).
		jest.useFakeTimers({ now: Date.now() });
		const receiver = new HttpCallbackReceiver(settings, DEFAULT_PIPELINE_OPTIONS);
		try {
			const start = Date.now();
			// The pusher's clock is the real Date.now it captured before the fake timers: give it the timestamp.
			const request = asRequest(pusher.signed(message(), { timestamp: String(start) }));
			const runs = [];
			for (const minutes of [0, 11, 59]) {
				jest.setSystemTime(start + minutes * 60_000);
				const verdict = receiver.verifier.verify(request);
				if (verdict.kind === 'callback') runs.push((await receiver.receive(verdict.callback)).item);
				else expect(verdict).toMatchObject({ status: 409, reason: 'already received (replay)' });
			}
			expect(runs).toHaveLength(1);
			expect(runs[0]).toMatchObject({ event: 'message' });
			jest.setSystemTime(start + CALLBACK_TIMESTAMP_WINDOW_MS + 1);
			expect(receiver.verifier.verify(request)).toMatchObject({
				kind: 'reject',
				status: 401,
				reason: 'timestamp too old',
			});
		} finally {
			receiver.close();
			jest.useRealTimers();
		}
	});

	it('another message under the same timestamp and sign (another msgId) is not a replay', () => {
		const verifier = new HttpCallbackVerifier(settings);
		const timestamp = String(Date.now());
		expect(verifier.verify(asRequest(pusher.signed(message(), { timestamp }))).kind).toBe(
			'callback',
		);
		expect(verifier.verify(asRequest(pusher.signed(message(), { timestamp }))).kind).toBe(
			'callback',
		);
	});
});

describe('replay memory size (issue 20 item 3)', () => {
	// The guard drops down to 90 % of its entries at capacity: 85,000 callbacks of one timestamp fit in 200,000 entries
	// (two each), and did not in the 100,000 entries that held one per callback.
	it('holds as many accepted callbacks as before, each by its bytes and its meaning, before it drops any', () => {
		const verifier = new HttpCallbackVerifier(settings);
		const signed = pusher.signed({});
		const request = (i: number): HttpCallbackRequest => ({
			method: 'POST',
			headers: signed.headers,
			query: {},
			body: { msgtype: 'text', conversationId: 'cidA==', msgId: `msg${i}`, text: { content: 'x' } },
			bodyBytes: 100,
		});
		for (let i = 0; i < 85_000; i++) expect(verifier.verify(request(i)).kind).toBe('callback');
		// Still remembered (not dropped and refused as too old): the first is a byte replay, its event a duplicate.
		expect(verifier.verify(request(0))).toMatchObject({ kind: 'reject', status: 409 });
	}, 60_000);
});

describe('ReplayGuard', () => {
	it('refuses a key until its expiry, then takes it again', () => {
		let now = 0;
		const guard = new ReplayGuard(3, () => now);
		expect(guard.check('a', 1000)).toBe('new');
		now = 999;
		expect(guard.check('a', 1000)).toBe('replay');
		now = 1000;
		expect(guard.check('a', 2000)).toBe('new');
	});

	it('stays bounded, prunes in batches (not once per insert at capacity), and never lets a forgotten key replay', () => {
		const prune = jest.spyOn(ReplayGuard.prototype as unknown as { prune: () => void }, 'prune');
		try {
			const now = 0;
			const max = 1000;
			const guard = new ReplayGuard(max, () => now);
			const inserts = 100_000;
			let largest = 0;
			let refused = 0;
			// One expect after the loop: an expect per insert costs seconds here.
			for (let i = 0; i < inserts; i++) {
				if (guard.check(`k${i}`, 1_000_000 + i) !== 'new') refused++;
				largest = Math.max(largest, guard.size);
			}
			expect(refused).toBe(0);
			expect(largest).toBeLessThanOrEqual(max + 1);
			// At capacity a pass drops 10 % of the bound, and a pass runs at least every 1024 inserts.
			expect(prune.mock.calls.length).toBeLessThanOrEqual(
				Math.ceil(inserts / (max * 0.1)) + Math.ceil(inserts / 1024),
			);
			expect(prune.mock.calls.length).toBeGreaterThan(0);
			// k0 was forgotten: its replay is refused all the same (it expires no later than what was dropped) …
			expect(guard.check('k0', 1_000_000)).toBe('tooOld');
			// … and a fresh callback (expiring later than anything dropped) is still taken, as is a remembered one refused.
			expect(guard.check('fresh', 2_000_000)).toBe('new');
			expect(guard.check(`k${inserts - 1}`, 1_000_000 + inserts - 1)).toBe('replay');
		} finally {
			prune.mockRestore();
		}
	});

	it('drops expired entries without raising the floor', () => {
		let now = 0;
		const guard = new ReplayGuard(10, () => now);
		for (let i = 0; i < 10; i++) guard.check(`old${i}`, 100);
		now = 200;
		for (let i = 0; i < 5; i++) expect(guard.check(`new${i}`, 150 + i)).toBe('new');
		expect(guard.size).toBeLessThanOrEqual(10);
		expect(guard.check('late', 150)).toBe('new');
	});
});

describe('HttpCallbackReceiver (HTTP mode on the shared event pipeline)', () => {
	const callbackOf = (payload: Record<string, unknown>, encrypted = true) => {
		const receiver = new HttpCallbackVerifier(settings);
		const verdict = receiver.verify(
			asRequest(encrypted ? pusher.encrypted(payload) : pusher.signed(payload)),
		);
		if (verdict.kind !== 'callback') throw new Error(JSON.stringify(verdict));
		return verdict.callback;
	};

	it('hands each message to its own request, with a session, and never twice', async () => {
		const receiver = new HttpCallbackReceiver(settings, DEFAULT_PIPELINE_OPTIONS);
		const first = message();
		const a = await receiver.receive(callbackOf(first));
		expect(a.item).toMatchObject({
			event: 'message',
			text: 'hello',
			msgId: first.msgId,
			isNewSession: true,
		});
		const again = await receiver.receive(callbackOf(first, false));
		expect(again.item).toBeUndefined();
		const b = await receiver.receive(callbackOf(message({ text: { content: 'second' } })));
		expect(b.item).toMatchObject({
			text: 'second',
			isNewSession: false,
			sessionId: a.item?.sessionId,
		});
	});

	it("aggregates messages inside the window into one item, returned to the last one's request", async () => {
		jest.useFakeTimers();
		try {
			const receiver = new HttpCallbackReceiver(settings, {
				...DEFAULT_PIPELINE_OPTIONS,
				aggregationWindowSeconds: 2,
			});
			const first = receiver.receive(callbackOf(message({ text: { content: 'part one' } })));
			await jest.advanceTimersByTimeAsync(1000);
			const second = receiver.receive(callbackOf(message({ text: { content: 'part two' } })));
			await jest.advanceTimersByTimeAsync(2100);
			const [a, b] = await Promise.all([first, second]);
			expect(a.item).toBeUndefined();
			expect(b.item).toMatchObject({ text: 'part one\npart two' });
			expect((b.item?.parts as unknown[]).length).toBe(2);
		} finally {
			jest.useRealTimers();
		}
	});

	it('a duplicate that fails while the original waits in an aggregate does not fail the aggregate', async () => {
		jest.useFakeTimers();
		try {
			const receiver = new HttpCallbackReceiver(settings, {
				...DEFAULT_PIPELINE_OPTIONS,
				aggregationWindowSeconds: 2,
			});
			const innocent = receiver.receive(callbackOf(message({ text: { content: 'part one' } })));
			const lastPayload = message({ text: { content: 'part two' } });
			const last = receiver.receive(callbackOf(lastPayload));
			// DingTalk sends the last message again, and that request fails (say, its wait for the first one ran out).
			const pipeline = (receiver as unknown as { pipeline: EventPipeline }).pipeline;
			jest.spyOn(pipeline, 'handle').mockRejectedValueOnce(new Error('gave up waiting'));
			await expect(receiver.receive(callbackOf(lastPayload, false))).rejects.toThrow(
				'gave up waiting',
			);
			await jest.advanceTimersByTimeAsync(2100);
			const outcomes = await Promise.allSettled([innocent, last]);
			expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
			expect((outcomes[1] as PromiseFulfilledResult<{ item?: unknown }>).value.item).toMatchObject({
				text: 'part one\npart two',
			});
		} finally {
			jest.useRealTimers();
		}
	});

	it('answers an "end session" card click with the notice in the Preferred Language', async () => {
		const receiver = new HttpCallbackReceiver(settings, {
			...DEFAULT_PIPELINE_OPTIONS,
			events: ['message', 'cardCallback'],
			language: 'zh-CN',
		});
		await receiver.receive(callbackOf(message()));
		const click = await receiver.receive(callbackOf(cardClick('end_session'), false));
		expect(click.item).toMatchObject({
			event: 'cardCallback',
			sessionEnded: true,
			outTrackId: 'track-1',
		});
		expect(JSON.stringify(click.response)).toContain('sessionNotice');
		expect(JSON.stringify(click.response)).not.toContain('session ended');
	});

	it('filters like Stream mode: group messages without @mention start nothing', async () => {
		const receiver = new HttpCallbackReceiver(settings, DEFAULT_PIPELINE_OPTIONS);
		const reception = await receiver.receive(
			callbackOf(
				message({ conversationType: '2', conversationId: 'cidGroup==', isInAtList: false }),
			),
		);
		expect(reception.item).toBeUndefined();
	});
});

describe('decision cards in HTTP mode (issue 23 item 3)', () => {
	const key = 'workflow-decisions|node-1|production';
	afterEach(() => forgetHttpTrigger(key));
	const keys = new DecisionKeys(app.clientSecret);
	const CARD = 'decision-00000000-0000-4000-8000-00000000abcd';
	const CONTEXT = '{"processInstanceId":"pi-1","taskId":"t1"}';
	/** A click as DingTalk sends it: the button's params resolved from the clicker's private data (B has none). */
	const decisionClick = (userId: string, decisionKey: string) => {
		const value = JSON.stringify({
			cardPrivateData: {
				actionIds: ['decision_approve'],
				params: { decision: 'approve', decisionKey, context: CONTEXT },
			},
		});
		return { userId, outTrackId: CARD, spaceId: 'cid1', spaceType: 'im', content: value, value };
	};

	it("the registry's receiver decides: no run for someone not listed, one for the approver, and the approver's identical second click is answered with the decision", async () => {
		const state = await activeHttpTrigger(key, async () => ({
			app: {
				clientId: app.clientId,
				clientSecret: app.clientSecret,
				apiBaseUrl: 'http://fake.invalid',
				language: 'en',
			} as DingTalkAppConfig,
			callback: settings,
			options: { ...DEFAULT_PIPELINE_OPTIONS, events: ['cardCallback'] },
			production: true,
		}));
		let timestamp = Date.now();
		const receive = async (payload: Record<string, unknown>) => {
			const verdict = state.receiver.verifier.verify(
				asRequest(pusher.signed(payload, { timestamp: String(++timestamp) })),
			);
			if (verdict.kind !== 'callback') throw new Error(JSON.stringify(verdict));
			return await state.receiver.receive(verdict.callback);
		};
		const options = { updateCardDataByKey: true, updatePrivateDataByKey: true };

		const byB = await receive(decisionClick('eng0001', ''));
		expect(byB).toEqual({
			item: undefined,
			response: {
				userPrivateData: {
					cardParamMap: {
						notice:
							'Only the listed approvers can decide this request. 只有指定的审批人可以处理此申请。',
					},
				},
				cardUpdateOptions: options,
			},
		});

		const clickByA = decisionClick('manager0001', keys.keyFor(CARD, 'manager0001', CONTEXT));
		const byA = await receive(clickByA);
		expect(byA.item).toMatchObject({
			event: 'cardCallback',
			decision: {
				decision: 'approve',
				decidedBy: 'manager0001',
				outTrackId: CARD,
				context: { processInstanceId: 'pi-1', taskId: 't1' },
			},
		});
		const decided = {
			decided: 'true',
			decision: 'approve',
			decidedBy: 'manager0001',
			statusText: 'Approved by manager0001. 已由 manager0001 批准。',
		};
		expect(byA.response).toEqual({
			cardData: { cardParamMap: decided },
			cardUpdateOptions: options,
		});

		// The same click again: not held as a replay (it would be answered with nothing), answered by the store.
		const again = await receive(clickByA);
		expect(again).toEqual({
			item: undefined,
			response: {
				cardData: { cardParamMap: decided },
				userPrivateData: {
					cardParamMap: { notice: 'Already decided by manager0001. 已由 manager0001 处理。' },
				},
				cardUpdateOptions: options,
			},
		});
	});

	it("the fake's HTTP click is signed as DingTalk signs robot callbacks, and the answer it gets is applied to the card", async () => {
		const fake = new FakeDingTalk(defaultFixture());
		fake.cards.set(CARD, {
			cardTemplateId: DECISION_TEMPLATE_ID,
			cardData: { title: 'Leave', context: CONTEXT, decided: 'false', statusText: '' },
			privateData: {
				manager0001: {
					cardParamMap: { decisionKey: keys.keyFor(CARD, 'manager0001', CONTEXT) },
				},
			},
			clientId: app.clientId,
			openSpaceId: 'dtv1.card//IM_ROBOT.manager0001',
			callbackType: 'HTTP',
			streams: [],
			fieldValues: {},
			finalized: false,
			failed: false,
		});
		const receiver = new HttpCallbackReceiver(
			settings,
			{ ...DEFAULT_PIPELINE_OPTIONS, events: ['cardCallback'] },
			Date.now,
			{ scope: 'fake-click', keys, store: new Decisions() },
		);
		const items: unknown[] = [];
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString()));
			req.on('end', () => {
				const verdict = receiver.verifier.verify({
					method: req.method ?? 'POST',
					headers: req.headers,
					query: {},
					body: JSON.parse(body) as unknown,
					bodyBytes: body.length,
				});
				if (verdict.kind !== 'callback') {
					res.writeHead(401).end(JSON.stringify(verdict));
					return;
				}
				void receiver.receive(verdict.callback).then((reception) => {
					if (reception.item) items.push(reception.item);
					res.writeHead(200, { 'content-type': 'application/json' });
					res.end(JSON.stringify(reception.response ?? {}));
				});
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
			const byB = await fake.clickCard({
				outTrackId: CARD,
				userId: 'eng0001',
				button: 'approve',
				callbackUrl,
			});
			expect(byB.status).toBe(200);
			expect(fake.cards.get(CARD)?.privateData).toMatchObject({
				eng0001: { cardParamMap: { notice: expect.stringMatching(/^Only the listed approvers/) } },
			});
			const byA = await fake.clickCard({
				outTrackId: CARD,
				userId: 'manager0001',
				button: 'refuse',
				callbackUrl,
			});
			expect(byA).toMatchObject({ mode: 'http', status: 200 });
			expect(items).toEqual([
				expect.objectContaining({
					decision: expect.objectContaining({ decision: 'refuse', decidedBy: 'manager0001' }),
				}),
			]);
			expect(fake.cards.get(CARD)?.cardData).toEqual({
				title: 'Leave',
				context: CONTEXT,
				decided: 'true',
				decision: 'refuse',
				decidedBy: 'manager0001',
				statusText: 'Refused by manager0001. 已由 manager0001 拒绝。',
			});
			expect(fake.cardClicks.map((c) => [c.userId, c.mode])).toEqual([
				['eng0001', 'http'],
				['manager0001', 'http'],
			]);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('an identical second click on any other card is still held as a replay', () => {
		const verifier = new HttpCallbackVerifier(settings);
		const payload = { ...cardClick('like'), outTrackId: 'n8n-not-a-decision' };
		const first = verifier.verify(
			asRequest(pusher.signed(payload, { timestamp: String(Date.now()) })),
		);
		expect(first.kind).toBe('callback');
		const second = verifier.verify(
			asRequest(pusher.signed(payload, { timestamp: String(Date.now() + 1) })),
		);
		expect(second.kind).toBe('duplicate');
	});
});
