/**
 * The edges of what the HTTP callback verifier takes: the timestamp window to the millisecond, the body cap to the
 * byte, header and query spellings n8n may hand over (upper-case names, repeated values), and the kinds of events
 * it reads. Each edge is tried on both sides, so a verifier that is off by one in either direction fails here.
 */
import {
	CALLBACK_TIMESTAMP_WINDOW_MS,
	HttpCallbackVerifier,
	type HttpCallbackRequest,
	MAX_CALLBACK_BODY_BYTES,
	callbackSecretsState,
	refusalLogLine,
} from '../../../nodes/DingTalk/http/HttpCallbackVerifier';
import { ReplayGuard } from '../../../nodes/DingTalk/http/ReplayGuard';
import { DingTalkCallbackPusher, type PushedCallback } from '../../fake-dingtalk/callbackPush';
import { defaultFixture } from '../../fake-dingtalk/fixture';

const app = defaultFixture().apps[0];
const settings = {
	clientId: app.clientId,
	clientSecret: app.clientSecret,
	callbackToken: app.callbackToken as string,
	callbackAesKey: app.callbackAesKey as string,
};
const NOW = 1_800_000_000_000;
const pusher = new DingTalkCallbackPusher(app, () => NOW);
let sequence = 0;

function message(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	sequence++;
	return {
		conversationId: 'cidDirecteng0001==',
		conversationType: '1',
		msgId: `msgEdge${sequence}==`,
		senderStaffId: 'eng0001',
		robotCode: app.robotCode,
		msgtype: 'text',
		text: { content: 'hello' },
		...overrides,
	};
}

function asRequest(pushed: PushedCallback, overrides: Partial<HttpCallbackRequest> = {}) {
	return {
		method: pushed.method,
		headers: pushed.headers,
		query: pushed.query,
		body: JSON.parse(pushed.body) as unknown,
		bodyBytes: Buffer.byteLength(pushed.body),
		...overrides,
	} as HttpCallbackRequest;
}

const verifier = () => new HttpCallbackVerifier(settings, () => NOW);
const outcome = (verdict: ReturnType<HttpCallbackVerifier['verify']>) =>
	verdict.kind === 'reject' ? `${verdict.status} ${verdict.reason}` : verdict.kind;

describe('HTTP callback verifier: the timestamp window', () => {
	it.each([
		['exactly one hour old', NOW - CALLBACK_TIMESTAMP_WINDOW_MS, 'callback'],
		['one millisecond older', NOW - CALLBACK_TIMESTAMP_WINDOW_MS - 1, '401 timestamp too old'],
		['exactly one hour ahead', NOW + CALLBACK_TIMESTAMP_WINDOW_MS, 'callback'],
		[
			'one millisecond further',
			NOW + CALLBACK_TIMESTAMP_WINDOW_MS + 1,
			'401 timestamp in the future',
		],
	])('a signed robot callback %s', (_label, timestamp, expected) => {
		const pushed = pusher.signed(message(), { timestamp: String(timestamp) });
		expect(outcome(verifier().verify(asRequest(pushed)))).toBe(expected);
	});

	it.each([
		['exactly one hour old', NOW - CALLBACK_TIMESTAMP_WINDOW_MS, 'callback'],
		['one millisecond older', NOW - CALLBACK_TIMESTAMP_WINDOW_MS - 1, '401 timestamp too old'],
		[
			'one millisecond beyond an hour ahead',
			NOW + CALLBACK_TIMESTAMP_WINDOW_MS + 1,
			'401 timestamp in the future',
		],
	])('an encrypted push %s', (_label, timestamp, expected) => {
		const pushed = pusher.encrypted(message(), { timestamp: String(timestamp) });
		expect(outcome(verifier().verify(asRequest(pushed)))).toBe(expected);
	});

	it('refuses a 13-digit timestamp with anything around it', () => {
		for (const timestamp of [`${NOW} `, ` ${NOW}`, `${NOW}0`, `x${NOW}`]) {
			const pushed = pusher.signed(message(), { timestamp });
			expect([timestamp, outcome(verifier().verify(asRequest(pushed)))]).toEqual([
				timestamp,
				'400 timestamp must be 13-digit milliseconds',
			]);
		}
	});
});

describe('HTTP callback verifier: the request around the callback', () => {
	it('answers HEAD and lower-case methods like DingTalk’s reachability check, and refuses others', () => {
		const empty = { headers: {}, query: {}, body: {}, bodyBytes: 0 };
		expect(verifier().verify({ method: 'HEAD', ...empty })).toEqual({ kind: 'reachability' });
		expect(verifier().verify({ method: 'get', ...empty })).toEqual({ kind: 'reachability' });
		expect(outcome(verifier().verify({ method: 'PUT', ...empty }))).toBe('405 method not allowed');
		const pushed = pusher.signed(message());
		expect(outcome(verifier().verify(asRequest(pushed, { method: 'post' })))).toBe('callback');
	});

	it('takes JSON in any letter case and with a charset, nothing else', () => {
		const pushed = pusher.signed(message());
		const withType = (type: string) =>
			outcome(
				verifier().verify(
					asRequest(pushed, { headers: { ...pushed.headers, 'content-type': type } }),
				),
			);
		expect(withType('Application/JSON; charset=utf-8')).toBe('callback');
		expect(withType('text/plain; application/json')).toBe(
			'415 content type must be application/json',
		);
	});

	it('takes a body of exactly the cap and refuses one byte more', () => {
		const pushed = pusher.signed(message());
		expect(
			outcome(verifier().verify(asRequest(pushed, { bodyBytes: MAX_CALLBACK_BODY_BYTES }))),
		).toBe('callback');
		expect(
			outcome(verifier().verify(asRequest(pushed, { bodyBytes: MAX_CALLBACK_BODY_BYTES + 1 }))),
		).toBe('413 body too large');
	});

	it('refuses an empty JSON object before looking for a signature', () => {
		const pushed = pusher.signed(message());
		expect(outcome(verifier().verify(asRequest(pushed, { body: {} })))).toBe(
			'400 body is not a JSON object',
		);
	});

	it('reads repeated headers and query parameters by their first value', () => {
		const signed = pusher.signed(message());
		const headers = {
			'content-type': ['application/json'],
			timestamp: [signed.headers.timestamp, '1'],
			sign: [signed.headers.sign, 'x'],
		} as unknown as HttpCallbackRequest['headers'];
		expect(outcome(verifier().verify(asRequest(signed, { headers })))).toBe('callback');
		const pushed = pusher.encrypted(message());
		const query = Object.fromEntries(
			Object.entries(pushed.query).map(([name, value]) => [name, [value, 'other']]),
		);
		expect(outcome(verifier().verify(asRequest(pushed, { query })))).toBe('callback');
	});

	it('looks up the other spelling only when the first is missing or empty', () => {
		const pushed = pusher.encrypted(message());
		const query = { ...pushed.query, msg_signature: '', signature: pushed.query.msg_signature };
		expect(outcome(verifier().verify(asRequest(pushed, { query })))).toBe('callback');
	});

	it.each(['msg_signature', 'timestamp', 'nonce'])(
		'names the missing query parameter %s',
		(name) => {
			const pushed = pusher.encrypted(message());
			const query: Record<string, string> = { ...pushed.query };
			delete query[name];
			expect(outcome(verifier().verify(asRequest(pushed, { query })))).toBe(
				`400 missing query parameter ${name}`,
			);
		},
	);
});

describe('HTTP callback verifier: what a verified callback may carry', () => {
	it('refuses a robot message with an empty msgId', () => {
		const pushed = pusher.signed(message({ msgId: '' }));
		expect(outcome(verifier().verify(asRequest(pushed)))).toBe('400 robot message without msgId');
	});

	it('reads a card callback that carries only a value, and refuses one with neither value nor content', () => {
		const card = { outTrackId: 'track-1', userId: 'eng0001', value: '{"like":true}' };
		expect(verifier().verify(asRequest(pusher.signed(card)))).toMatchObject({
			kind: 'callback',
			callback: { topic: '/v1.0/card/instances/callback' },
		});
		const bare = { outTrackId: 'track-1', userId: 'eng0001' };
		expect(outcome(verifier().verify(asRequest(pusher.signed(bare))))).toBe(
			'400 unsupported event type',
		);
	});

	it('answers every URL check event DingTalk sends, and reads no other EventType as one', () => {
		for (const EventType of ['check_url', 'check_create_suite_url', 'check_update_suite_url'])
			expect(verifier().verify(asRequest(pusher.encrypted({ EventType })))).toEqual({
				kind: 'urlCheck',
			});
		// Any other EventType is read as what it is (an organisation event, or refused), never as a URL check.
		expect(
			outcome(verifier().verify(asRequest(pusher.encrypted({ EventType: 'check_url_x' })))),
		).not.toBe('urlCheck');
	});

	it('tells a payload that is not JSON from one that is JSON but not an object, in the log only', () => {
		const notJson = verifier().verify(asRequest(pusher.encrypted(null, { plaintext: 'not json' })));
		const notObject = verifier().verify(asRequest(pusher.encrypted(null, { plaintext: '[1]' })));
		expect(
			[notJson, notObject].map((v) => (v.kind === 'reject' ? refusalLogLine(v) : v.kind)),
		).toEqual([
			'DingTalk Trigger: refused a callback (400 cannot decrypt): decrypted payload is not JSON',
			'DingTalk Trigger: refused a callback (400 cannot decrypt): decrypted payload is not a JSON object',
		]);
	});
});

describe('HTTP callback verifier: the credential’s callback secrets', () => {
	it('reports which secrets are set and usable, ignoring blanks around them', () => {
		expect(callbackSecretsState(settings)).toEqual({
			tokenSet: true,
			aesKeySet: true,
			aesKeyValid: true,
		});
		expect(
			callbackSecretsState({
				...settings,
				callbackToken: '  ',
				callbackAesKey: ` ${settings.callbackAesKey} `,
			}),
		).toEqual({ tokenSet: false, aesKeySet: true, aesKeyValid: true });
		expect(callbackSecretsState({ ...settings, callbackAesKey: '   ' })).toEqual({
			tokenSet: true,
			aesKeySet: false,
			aesKeyValid: false,
		});
		expect(callbackSecretsState({ ...settings, callbackAesKey: 'short' })).toEqual({
			tokenSet: true,
			aesKeySet: true,
			aesKeyValid: false,
		});
	});

	it('reads encrypted callbacks with an AES key pasted with blanks around it', () => {
		const padded = new HttpCallbackVerifier(
			{ ...settings, callbackAesKey: ` ${settings.callbackAesKey} ` },
			() => NOW,
		);
		expect(outcome(padded.verify(asRequest(pusher.encrypted(message()))))).toBe('callback');
	});

	it('without a Callback Token says so, and refuses encrypted callbacks', () => {
		const noToken = new HttpCallbackVerifier({ ...settings, callbackToken: '' }, () => NOW);
		expect(noToken.encryptionProblem).toBe('The credential has no Callback Token.');
		expect(outcome(noToken.verify(asRequest(pusher.encrypted(message()))))).toBe(
			'503 encrypted callbacks are not configured on this trigger',
		);
		expect(() => noToken.encryptedSuccess()).toThrow('encrypted callbacks are not configured');
	});
});

describe('HTTP callback verifier: what a callback is and what it means', () => {
	const card = (overrides: Record<string, unknown> = {}) => ({
		outTrackId: 'track-7',
		userId: 'eng0001',
		value: '{"action":"like"}',
		...overrides,
	});
	const idOf = (verdict: ReturnType<HttpCallbackVerifier['verify']>) =>
		verdict.kind === 'callback' ? verdict.callback.messageId : verdict.kind;

	it('reads a robot message only with both msgtype and conversationId: either alone with a card is a card', () => {
		for (const extra of [{ msgtype: 'text' }, { conversationId: 'cidX==' }])
			expect(verifier().verify(asRequest(pusher.signed(card(extra))))).toMatchObject({
				kind: 'callback',
				callback: { topic: '/v1.0/card/instances/callback' },
			});
	});

	it('refuses a card callback whose userId is empty or missing', () => {
		for (const userId of ['', undefined])
			expect(outcome(verifier().verify(asRequest(pusher.signed(card({ userId })))))).toBe(
				'400 card callback without userId',
			);
	});

	it('gives clicks that differ only in where their fields split different IDs', () => {
		const one = verifier().verify(
			asRequest(pusher.signed(card({ outTrackId: 'ab', userId: 'c' }))),
		);
		const two = verifier().verify(
			asRequest(pusher.signed(card({ outTrackId: 'a', userId: 'bc' }))),
		);
		expect(one.kind).toBe('callback');
		expect(two.kind).toBe('callback');
		expect(idOf(one)).not.toBe(idOf(two));
	});

	it('holds the same click again even when its value arrives as an object instead of text', () => {
		const v = verifier();
		expect(v.verify(asRequest(pusher.signed(card({ value: { action: 'like' } })))).kind).toBe(
			'callback',
		);
		expect(
			v.verify(
				asRequest(
					pusher.signed(card({ value: { action: 'like' } }), { timestamp: String(NOW + 1) }),
				),
			).kind,
		).toBe('duplicate');
		expect(
			v.verify(
				asRequest(
					pusher.signed(card({ value: { action: 'dislike' } }), { timestamp: String(NOW + 2) }),
				),
			).kind,
		).toBe('callback');
	});

	it('reads organisation events only encrypted, by EventType (legacy) or eventType', () => {
		const event = {
			EventType: 'user_add_org',
			UserId: ['eng0001'],
			CorpId: 'ding1',
			TimeStamp: String(NOW),
		};
		expect(verifier().verify(asRequest(pusher.encrypted(event)))).toMatchObject({
			kind: 'callback',
		});
		expect(outcome(verifier().verify(asRequest(pusher.signed(event))))).toBe(
			'400 unsupported event type',
		);
	});

	it('when the replay memory is full, refuses callbacks older than those it forgot as too old', () => {
		const v = new HttpCallbackVerifier(settings, () => NOW, new ReplayGuard(1, () => NOW));
		expect(v.verify(asRequest(pusher.signed(message(), { timestamp: String(NOW) }))).kind).toBe(
			'callback',
		);
		// The memory of one dropped the first: anything expiring no later than it is refused, plain or encrypted.
		const older = v.verify(asRequest(pusher.signed(message(), { timestamp: String(NOW - 1) })));
		expect(older).toMatchObject({ kind: 'reject', status: 401, reason: 'timestamp too old' });
		expect(older.kind === 'reject' && refusalLogLine(older)).toBe(
			'DingTalk Trigger: refused a callback (401 timestamp too old): replay memory is full: callbacks older than those it dropped are refused',
		);
		// A refusal without a detail is logged without one.
		const noType = verifier().verify(asRequest(pusher.signed(message()), { headers: {} }));
		expect(noType.kind === 'reject' && refusalLogLine(noType)).toBe(
			'DingTalk Trigger: refused a callback (415 content type must be application/json)',
		);
		const olderEncrypted = v.verify(
			asRequest(pusher.encrypted(message(), { timestamp: String(NOW - 1) })),
		);
		expect(outcome(olderEncrypted)).toBe('401 timestamp too old');
	});

	it('refuses a callback whose own replay entry pushed out one of the same age (held by meaning: memory full)', () => {
		const v = new HttpCallbackVerifier(settings, () => NOW, new ReplayGuard(2, () => NOW));
		const at = { timestamp: String(NOW) };
		expect(v.verify(asRequest(pusher.signed(message(), at))).kind).toBe('callback');
		// Its bytes' entry makes three: the first callback's two entries go, and its meaning is no newer than them.
		expect(outcome(v.verify(asRequest(pusher.signed(message(), at))))).toBe(
			'401 timestamp too old',
		);
	});
});
