import {
	DECISION_LIMITS,
	DecisionKeys,
	isDecisionOutTrackId,
} from '../../../nodes/DingTalk/crypto/decisionKey';

/**
 * The fixed vector was computed with openssl, not with this module:
 *   K=$(printf 'dingtalk-decision-card' | openssl dgst -sha256 -hmac 'this is secret' -binary | xxd -p -c 64)
 *   printf '<outTrackId>\n<userId>\n<context>' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$K -binary \
 *     | base64 | tr '+/' '-_' | tr -d '='
 */
const SECRET = 'this is secret';
const OUT_TRACK_ID = 'decision-00000000-0000-4000-8000-000000000000';
const USER = 'manager4220';
const CONTEXT = '{"processInstanceId":"pi-1","taskId":"t1"}';
const KEY = 'R3AR6lpn_Wq4RWWy4sX1JyWl0zoQM8mx6S3M3QTwwAY';

describe('decision keys', () => {
	const keys = new DecisionKeys(SECRET);

	it('derives the key of the contract (fixed vector): base64url HMAC-SHA-256 under K = HMAC(secret, label)', () => {
		expect(keys.keyFor(OUT_TRACK_ID, USER, CONTEXT)).toBe(KEY);
	});

	it('accepts exactly the key for this card, user and context', () => {
		expect(keys.matches(OUT_TRACK_ID, USER, CONTEXT, KEY)).toBe(true);
		expect(keys.matches(OUT_TRACK_ID, 'eng0001', CONTEXT, KEY)).toBe(false);
		expect(keys.matches(`${OUT_TRACK_ID}x`, USER, CONTEXT, KEY)).toBe(false);
		expect(keys.matches(OUT_TRACK_ID, USER, '{"taskId":"t2"}', KEY)).toBe(false);
		expect(keys.matches(OUT_TRACK_ID, USER, CONTEXT, `${KEY.slice(0, -1)}A`)).toBe(false);
		expect(keys.matches(OUT_TRACK_ID, USER, CONTEXT, '')).toBe(false);
		expect(keys.matches(OUT_TRACK_ID, USER, CONTEXT, '${decisionKey}')).toBe(false);
		expect(new DecisionKeys('another secret').matches(OUT_TRACK_ID, USER, CONTEXT, KEY)).toBe(
			false,
		);
	});

	it('refuses parts that could move the separators or are oversized, even with their true key', () => {
		const shifted = { outTrackId: OUT_TRACK_ID, userId: `${USER}\nx`, context: CONTEXT };
		const shiftedKey = keys.keyFor(shifted.outTrackId, shifted.userId, shifted.context);
		expect(keys.matches(shifted.outTrackId, shifted.userId, shifted.context, shiftedKey)).toBe(
			false,
		);
		const longUser = 'u'.repeat(DECISION_LIMITS.userId + 1);
		expect(
			keys.matches(OUT_TRACK_ID, longUser, CONTEXT, keys.keyFor(OUT_TRACK_ID, longUser, CONTEXT)),
		).toBe(false);
		const longContext = JSON.stringify({ x: 'y'.repeat(DECISION_LIMITS.context) });
		expect(
			keys.matches(OUT_TRACK_ID, USER, longContext, keys.keyFor(OUT_TRACK_ID, USER, longContext)),
		).toBe(false);
		expect(keys.matches(OUT_TRACK_ID, '', CONTEXT, keys.keyFor(OUT_TRACK_ID, '', CONTEXT))).toBe(
			false,
		);
		expect(keys.matches(OUT_TRACK_ID, USER, CONTEXT, 'k'.repeat(DECISION_LIMITS.key + 1))).toBe(
			false,
		);
	});

	it('reads an outTrackId starting with "decision-" as a decision card', () => {
		expect(isDecisionOutTrackId(OUT_TRACK_ID)).toBe(true);
		expect(isDecisionOutTrackId('n8n-1234')).toBe(false);
		expect(isDecisionOutTrackId('xdecision-1')).toBe(false);
	});
});
