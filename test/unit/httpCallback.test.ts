import { HttpCallbackReceiver } from '../../nodes/DingTalk/http/HttpCallbackReceiver';
import { HttpCallbackVerifier, type HttpCallbackRequest } from '../../nodes/DingTalk/http/HttpCallbackVerifier';
import { ReplayGuard } from '../../nodes/DingTalk/http/ReplayGuard';
import { DEFAULT_PIPELINE_OPTIONS, type EventPipeline } from '../../nodes/DingTalk/trigger/EventPipeline';
import { badCallbackCases } from '../fake-dingtalk/badCallbacks';
import { DingTalkCallbackPusher, type PushedCallback } from '../fake-dingtalk/callbackPush';
import { defaultFixture } from '../fake-dingtalk/fixture';

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
	return { method: pushed.method, headers: pushed.headers, query: pushed.query, body: json ? (JSON.parse(pushed.body) as unknown) : pushed.body, bodyBytes: Buffer.byteLength(pushed.body) };
}

describe('HttpCallbackVerifier', () => {
	it('accepts an encrypted robot message DingTalk signed, and reads it', () => {
		const payload = message();
		const verdict = new HttpCallbackVerifier(settings).verify(asRequest(pusher.encrypted(payload)));
		expect(verdict).toEqual({ kind: 'callback', encrypted: true, callback: { topic: '/v1.0/im/bot/messages/get', messageId: payload.msgId, data: payload } });
	});

	it('accepts a plain robot callback signed with the Client Secret', () => {
		const payload = message();
		const verdict = new HttpCallbackVerifier(settings).verify(asRequest(pusher.signed(payload)));
		expect(verdict).toMatchObject({ kind: 'callback', encrypted: false, callback: { messageId: payload.msgId } });
	});

	it('accepts the other spellings of the query parameters (signature, timeStamp) and seconds timestamps', () => {
		const pushed = pusher.encrypted(message(), { timestamp: String(Math.floor(Date.now() / 1000)) });
		const query = { signature: pushed.query.msg_signature, timeStamp: pushed.query.timestamp, nonce: pushed.query.nonce };
		expect(new HttpCallbackVerifier(settings).verify({ ...asRequest(pushed), query }).kind).toBe('callback');
	});

	it('answers GET (DingTalk\'s reachability check) and check_url', () => {
		const verifier = new HttpCallbackVerifier(settings);
		expect(verifier.verify({ method: 'GET', headers: {}, query: {}, body: {}, bodyBytes: 0 })).toEqual({ kind: 'reachability' });
		expect(verifier.verify(asRequest(pusher.encrypted({ EventType: 'check_url' })))).toEqual({ kind: 'urlCheck' });
	});

	it('encrypts a "success" answer DingTalk can verify and decrypt', () => {
		const answer = new HttpCallbackVerifier(settings).encryptedSuccess();
		expect(Object.keys(answer).sort()).toEqual(['encrypt', 'msg_signature', 'nonce', 'timeStamp']);
		expect(pusher.readAnswer(answer)).toBe('success');
	});

	it('reads card callbacks, encrypted or signed, and gives two clicks at different times different IDs', () => {
		const verifier = new HttpCallbackVerifier(settings);
		const a = verifier.verify(asRequest(pusher.signed(cardClick('like'), { timestamp: String(Date.now()) })));
		const b = verifier.verify(asRequest(pusher.signed(cardClick('like'), { timestamp: String(Date.now() + 1) })));
		const c = verifier.verify(asRequest(pusher.encrypted(cardClick('like'))));
		for (const verdict of [a, b, c]) expect(verdict).toMatchObject({ kind: 'callback', callback: { topic: '/v1.0/card/instances/callback' } });
		const id = (v: typeof a) => (v.kind === 'callback' ? v.callback.messageId : '');
		expect(new Set([id(a), id(b), id(c)]).size).toBe(3);
	});

	it('without a usable AES key refuses encrypted callbacks (503) but still serves signed robot callbacks', () => {
		const verifier = new HttpCallbackVerifier({ ...settings, callbackAesKey: 'too-short' });
		expect(verifier.encryptionProblem).toMatch(/43 characters/);
		expect(verifier.verify(asRequest(pusher.encrypted(message())))).toMatchObject({ kind: 'reject', status: 503 });
		expect(verifier.verify(asRequest(pusher.signed(message()))).kind).toBe('callback');
	});

	const cases = badCallbackCases(pusher, () => message()).filter((c) => !c.refusedByN8n);
	it('has a case for every kind of bad input the issue lists', () => expect(cases.length).toBeGreaterThanOrEqual(30));

	it.each(cases.map((c) => [c.name, c] as const))('refuses: %s', (_name, badCase) => {
		const verifier = new HttpCallbackVerifier(settings);
		if (badCase.before) expect(verifier.verify(asRequest(badCase.before())).kind).not.toBe('reject');
		const verdict = verifier.verify(asRequest(badCase.request()));
		expect(verdict).toMatchObject({ kind: 'reject', status: badCase.status });
		const reason = verdict.kind === 'reject' ? verdict.reason : '';
		expect(reason).toContain(badCase.reason);
		for (const secret of Object.values(settings)) expect(reason).not.toContain(secret);
	});
});

describe('ReplayGuard', () => {
	it('refuses a key seen within the window, forgets it after, and stays bounded', () => {
		let now = 0;
		const guard = new ReplayGuard(1000, 3, () => now);
		expect(guard.isReplay('a')).toBe(false);
		expect(guard.isReplay('a')).toBe(true);
		now = 2001;
		expect(guard.isReplay('a')).toBe(false);
		for (const key of ['b', 'c', 'd', 'e']) guard.isReplay(key);
		expect(guard.size).toBeLessThanOrEqual(3);
	});
});

describe('HttpCallbackReceiver (HTTP mode on the shared event pipeline)', () => {
	const callbackOf = (payload: Record<string, unknown>, encrypted = true) => {
		const receiver = new HttpCallbackVerifier(settings);
		const verdict = receiver.verify(asRequest(encrypted ? pusher.encrypted(payload) : pusher.signed(payload)));
		if (verdict.kind !== 'callback') throw new Error(JSON.stringify(verdict));
		return verdict.callback;
	};

	it('hands each message to its own request, with a session, and never twice', async () => {
		const receiver = new HttpCallbackReceiver(settings, DEFAULT_PIPELINE_OPTIONS);
		const first = message();
		const a = await receiver.receive(callbackOf(first));
		expect(a.item).toMatchObject({ event: 'message', text: 'hello', msgId: first.msgId, isNewSession: true });
		const again = await receiver.receive(callbackOf(first, false));
		expect(again.item).toBeUndefined();
		const b = await receiver.receive(callbackOf(message({ text: { content: 'second' } })));
		expect(b.item).toMatchObject({ text: 'second', isNewSession: false, sessionId: a.item?.sessionId });
	});

	it('aggregates messages inside the window into one item, returned to the last one\'s request', async () => {
		jest.useFakeTimers();
		try {
			const receiver = new HttpCallbackReceiver(settings, { ...DEFAULT_PIPELINE_OPTIONS, aggregationWindowSeconds: 2 });
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
			const receiver = new HttpCallbackReceiver(settings, { ...DEFAULT_PIPELINE_OPTIONS, aggregationWindowSeconds: 2 });
			const innocent = receiver.receive(callbackOf(message({ text: { content: 'part one' } })));
			const lastPayload = message({ text: { content: 'part two' } });
			const last = receiver.receive(callbackOf(lastPayload));
			// DingTalk sends the last message again, and that request fails (say, its wait for the first one ran out).
			const pipeline = (receiver as unknown as { pipeline: EventPipeline }).pipeline;
			jest.spyOn(pipeline, 'handle').mockRejectedValueOnce(new Error('gave up waiting'));
			await expect(receiver.receive(callbackOf(lastPayload, false))).rejects.toThrow('gave up waiting');
			await jest.advanceTimersByTimeAsync(2100);
			const outcomes = await Promise.allSettled([innocent, last]);
			expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
			expect((outcomes[1] as PromiseFulfilledResult<{ item?: unknown }>).value.item).toMatchObject({ text: 'part one\npart two' });
		} finally {
			jest.useRealTimers();
		}
	});

	it('answers an "end session" card click with the notice in the Preferred Language', async () => {
		const receiver = new HttpCallbackReceiver(settings, { ...DEFAULT_PIPELINE_OPTIONS, events: ['message', 'cardCallback'], language: 'zh-CN' });
		await receiver.receive(callbackOf(message()));
		const click = await receiver.receive(callbackOf(cardClick('end_session'), false));
		expect(click.item).toMatchObject({ event: 'cardCallback', sessionEnded: true, outTrackId: 'track-1' });
		expect(JSON.stringify(click.response)).toContain('sessionNotice');
		expect(JSON.stringify(click.response)).not.toContain('session ended');
	});

	it('filters like Stream mode: group messages without @mention start nothing', async () => {
		const receiver = new HttpCallbackReceiver(settings, DEFAULT_PIPELINE_OPTIONS);
		const reception = await receiver.receive(callbackOf(message({ conversationType: '2', conversationId: 'cidGroup==', isInAtList: false })));
		expect(reception.item).toBeUndefined();
	});
});
