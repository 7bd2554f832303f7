/**
 * HTTP callback verifier + callback crypto, judged by the independent reference (../reference.ts): no unauthentic
 * input accepted, no freshly signed valid one refused, no replay accepted (re-sent, or reshaped so the signature
 * still matches: timestamp digits or base64 '=' padding moved into the nonce), one refusal for every decryption
 * failure, no secret or expected signature in any reason, no throw.
 */
import {
	HttpCallbackVerifier,
	type HttpCallbackRequest,
} from '../../../nodes/DingTalk/http/HttpCallbackVerifier';
import { check, type FuzzTarget, mustNotThrow, type Outcome } from '../harness';
import { ALNUM, hostileValue, mutateObject, type Rng } from '../prng';
import { refDecrypt, refEncrypt, refRobotSign, refSignature } from '../reference';

const WINDOW_MS = 60 * 60 * 1000;

interface Settings {
	clientId: string;
	clientSecret: string;
	callbackToken: string;
	callbackAesKey: string;
}

type Answer =
	| { accepted: true; data?: unknown }
	| { accepted: false; status: number; body: string };

/** Adapter: the one place that knows the verifier's API (its refusal shape may change; adjust here). */
function verifierFor(settings: Settings, now: number): (request: HttpCallbackRequest) => Answer {
	const verifier = new HttpCallbackVerifier(settings, () => now);
	return (request) => {
		const verdict = verifier.verify(request);
		if (verdict.kind === 'callback') return { accepted: true, data: verdict.callback.data };
		if (verdict.kind === 'urlCheck') return { accepted: true };
		// What the trigger answers (httpMode.ts: status + {error: reason}); reachability is a GET, not a callback.
		if (verdict.kind === 'reachability') return { accepted: false, status: 200, body: 'success' };
		// An event accepted before: answered as a success, never run.
		if (verdict.kind === 'duplicate') return { accepted: false, status: 200, body: '{}' };
		return {
			accepted: false,
			status: verdict.status,
			body: JSON.stringify({ error: verdict.reason }),
		};
	};
}

interface Sent {
	request: HttpCallbackRequest;
	/** What was encrypted (for a fresh valid callback). */
	event?: Record<string, unknown>;
}

function settingsOf(rng: Rng): Settings {
	return {
		clientId: `ding${rng.string(ALNUM, 8, 20)}`,
		clientSecret: rng.string(ALNUM, 32, 64),
		callbackToken: rng.string(ALNUM, 1, 32),
		callbackAesKey: rng.string(ALNUM, 43, 43),
	};
}

function eventOf(rng: Rng, robotOnly = false): Record<string, unknown> {
	switch (robotOnly ? 2 : rng.int(3)) {
		case 0:
			return { EventType: 'check_url' };
		case 1:
			return {
				outTrackId: `track-${rng.string(ALNUM, 4, 12)}`,
				content: JSON.stringify({
					cardPrivateData: { actionIds: ['a'], params: { action: rng.text(8) } },
				}),
				userId: 'u1',
				spaceId: 'cid1',
			};
		default:
			return {
				msgtype: 'text',
				conversationId: `cid${rng.string(ALNUM, 4, 12)}==`,
				msgId: `msg${rng.string(ALNUM, 8, 16)}`,
				text: { content: rng.text(40) },
				conversationType: rng.pick(['1', '2']),
			};
	}
}

function request(
	body: unknown,
	query: Record<string, unknown> = {},
	headers: Record<string, string> = {},
): HttpCallbackRequest {
	let text = '';
	try {
		text = JSON.stringify(body) ?? '';
	} catch {
		// a body too deep to serialise still has some size
	}
	return {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		query,
		body,
		bodyBytes: Buffer.byteLength(text),
	};
}

/** A timestamp inside the window, as milliseconds or (as some of DingTalk's pushes) seconds. */
// DingTalk sends 13-digit milliseconds (protocol vectors V2, V4); the verifier accepts that form only.
function freshTimestamp(rng: Rng, now: number, seconds = false): string {
	const ms =
		now - rng.int(WINDOW_MS - 60_000) + (rng.chance(0.2) ? rng.int(WINDOW_MS - 60_000) : 0);
	return seconds ? String(Math.floor(ms / 1000)) : String(ms);
}

function signedEncrypted(
	rng: Rng,
	s: Settings,
	now: number,
	event: Record<string, unknown>,
	encrypt?: string,
): Sent {
	const enc =
		encrypt ??
		refEncrypt(
			s.callbackAesKey,
			JSON.stringify(event),
			s.clientId,
			Buffer.from(rng.string(ALNUM, 16, 16)),
		);
	const timestamp = freshTimestamp(rng, now);
	const nonce = rng.string(ALNUM, 1, 16);
	const signature = refSignature(s.callbackToken, timestamp, nonce, enc);
	const query = {
		[rng.chance(0.8) ? 'msg_signature' : 'signature']: signature,
		[rng.chance(0.8) ? 'timestamp' : 'timeStamp']: timestamp,
		nonce,
	};
	return { request: request({ encrypt: enc }, query), event };
}

function signedPlain(rng: Rng, s: Settings, now: number): Sent {
	const event = eventOf(rng, true); // plain callbacks are robot messages only
	const timestamp = freshTimestamp(rng, now, false);
	return {
		request: request(event, {}, { timestamp, sign: refRobotSign(s.clientSecret, timestamp) }),
		event,
	};
}

/** A query parameter; a repeated one (?a=1&a=2) counts by its first value, as query parsers give it. */
function q(r: HttpCallbackRequest, ...names: string[]): string {
	for (const name of names) {
		const raw = r.query[name];
		const value = Array.isArray(raw) ? (raw[0] as unknown) : raw;
		if (typeof value === 'string' && value) return value;
	}
	return '';
}

function tsMs(value: string): number | undefined {
	if (!/^\d{1,16}$/.test(value)) return undefined;
	const n = Number(value);
	return n < 1e12 ? n * 1000 : n;
}

function inWindow(value: string, now: number): boolean {
	const ms = tsMs(value);
	return ms !== undefined && Math.abs(ms - now) <= WINDOW_MS;
}

/** The reference's verdict: authentic (and which ciphertext, for the replay memory), or why not. */
function reference(
	s: Settings,
	now: number,
	r: HttpCallbackRequest,
): { authentic: boolean; ciphertext?: string; decryptFailed?: boolean } {
	const body = r.body as Record<string, unknown> | null;
	if (
		r.method.toUpperCase() !== 'POST' ||
		typeof body !== 'object' ||
		body === null ||
		Array.isArray(body)
	)
		return { authentic: false };
	if ('encrypt' in body) {
		const encrypt = body.encrypt;
		const timestamp = q(r, 'timestamp', 'timeStamp');
		const nonce = q(r, 'nonce');
		const signature = q(r, 'msg_signature', 'signature');
		if (typeof encrypt !== 'string' || !timestamp || !nonce || !signature)
			return { authentic: false };
		if (
			signature.toLowerCase() !== refSignature(s.callbackToken, timestamp, nonce, encrypt) ||
			!inWindow(timestamp, now)
		)
			return { authentic: false };
		const plain = refDecrypt(
			s.callbackAesKey,
			`${encrypt}${'='.repeat((4 - (encrypt.length % 4)) % 4)}`,
		);
		if (!plain || plain.owner !== s.clientId) return { authentic: false, decryptFailed: true };
		return { authentic: true, ciphertext: plain.ciphertext.toString('hex') };
	}
	const timestamp = r.headers.timestamp;
	const sign = r.headers.sign;
	if (typeof timestamp !== 'string' || typeof sign !== 'string') return { authentic: false };
	return {
		authentic: sign === refRobotSign(s.clientSecret, timestamp) && inWindow(timestamp, now),
	};
}

function safeText(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/** Attacker mutations: nothing is signed again (the attacker has no token or secret). */
function mutate(rng: Rng, sent: HttpCallbackRequest): HttpCallbackRequest {
	const r: HttpCallbackRequest = {
		...sent,
		headers: { ...sent.headers },
		query: { ...sent.query },
		body: JSON.parse(JSON.stringify(sent.body)) as unknown,
	};
	const body = r.body as Record<string, unknown>;
	const flip = (text: string) => {
		if (!text) return rng.text(4);
		const i = rng.int(text.length);
		return (
			text.slice(0, i) + rng.pick([...ALNUM, '=', '+', '/', '', ' ', '\u0000']) + text.slice(i + 1)
		);
	};
	const n = 1 + rng.int(3);
	for (let i = 0; i < n; i++) {
		switch (rng.int(9)) {
			case 0: // signature
				for (const k of ['msg_signature', 'signature'])
					if (typeof r.query[k] === 'string')
						r.query[k] = rng.chance(0.5)
							? flip(r.query[k] as string)
							: (r.query[k] as string).toUpperCase();
				if (r.headers.sign) r.headers.sign = flip(r.headers.sign as string);
				break;
			case 1: // timestamp forms
				for (const k of ['timestamp', 'timeStamp']) {
					const ts = r.query[k];
					if (typeof ts === 'string')
						r.query[k] = rng.pick([
							flip(ts),
							`0${ts}`,
							`${ts}000`,
							ts.slice(0, 10),
							` ${ts}`,
							'-1',
							'1e12',
							String(Number(ts) + 2 * WINDOW_MS),
							[ts, '1'],
						]) as string;
				}
				if (typeof r.headers.timestamp === 'string')
					r.headers.timestamp = rng.pick([
						flip(r.headers.timestamp),
						`${r.headers.timestamp}0`,
						String(Number(r.headers.timestamp) - 2 * WINDOW_MS),
						`0${r.headers.timestamp}`,
					]);
				break;
			case 2: // nonce
				r.query.nonce = rng.pick([
					flip(safeText(r.query.nonce)),
					'',
					[safeText(r.query.nonce)],
					hostileValue(rng),
				]);
				break;
			case 3: // ciphertext
				if (typeof body.encrypt === 'string')
					body.encrypt = rng.pick([
						flip(body.encrypt),
						body.encrypt.slice(4),
						body.encrypt.replace(/=+$/, ''),
						`${body.encrypt}=`,
						Buffer.from(body.encrypt, 'base64').toString('base64url'),
					]);
				break;
			case 4: // body fields
				r.body = mutateObject(rng, body);
				break;
			case 5: // drop a parameter or header
				delete r.query[rng.pick(['msg_signature', 'signature', 'timestamp', 'timeStamp', 'nonce'])];
				delete r.headers[rng.pick(['timestamp', 'sign', 'content-type'])];
				break;
			case 6:
				r.method = rng.pick(['PUT', 'post', 'DELETE', 'PATCH', 'OPTIONS', rng.text(5)]);
				break;
			case 7:
				r.headers['content-type'] = rng.pick([
					'text/plain',
					'application/jsonx',
					'',
					'application/json; charset=utf-8',
				]);
				break;
			default:
				r.bodyBytes = rng.pick([0, 2 ** 31, 1024 * 1024 + 1, -1]);
		}
	}
	return r;
}

function garbage(rng: Rng): HttpCallbackRequest {
	const body = rng.chance(0.3)
		? { encrypt: rng.chance(0.5) ? rng.bytes(rng.int(200)).toString('base64') : hostileValue(rng) }
		: hostileValue(rng);
	const query = Object.fromEntries(
		['msg_signature', 'signature', 'timestamp', 'timeStamp', 'nonce']
			.filter(() => rng.chance(0.6))
			.map((k) => [k, hostileValue(rng)]),
	);
	const headers = Object.fromEntries(
		['timestamp', 'sign', 'content-type']
			.filter(() => rng.chance(0.6))
			.map((k) => [k, rng.pick([rng.text(20), rng.string(ALNUM, 0, 20), 'application/json'])]),
	);
	return {
		method: rng.pick(['POST', 'GET', 'HEAD', 'PUT', rng.text(4)]),
		headers,
		query,
		body,
		bodyBytes: rng.int(4096),
	};
}

/** A valid callback reshaped so its signature still matches: timestamp digits or '=' padding moved to the nonce. */
function reshaped(
	rng: Rng,
	s: Settings,
	now: number,
	kind: 'digits' | 'padding',
): { original: Sent; replay: HttpCallbackRequest } | undefined {
	for (let attempt = 0; attempt < 64; attempt++) {
		const original = signedEncrypted(rng, s, now, eventOf(rng));
		const r = original.request;
		const sigKey = 'msg_signature' in r.query ? 'msg_signature' : 'signature';
		const tsKey = 'timestamp' in r.query ? 'timestamp' : 'timeStamp';
		const ts = r.query[tsKey] as string;
		const nonce = r.query.nonce as string;
		const encrypt = (r.body as { encrypt: string }).encrypt;
		let query: Record<string, unknown>;
		let body = r.body;
		if (kind === 'digits') {
			if (ts.length !== 13) continue;
			query = { ...r.query, [tsKey]: ts.slice(0, 10), nonce: ts.slice(10) + nonce };
		} else {
			const pad = /=+$/.exec(encrypt)?.[0];
			if (!pad) continue;
			query = { ...r.query, nonce: pad + nonce };
			body = { encrypt: encrypt.slice(0, -pad.length) };
		}
		const replay = request(body, query);
		const q2 = replay.query;
		if (
			refSignature(
				s.callbackToken,
				q2[tsKey] as string,
				q2.nonce as string,
				(body as { encrypt: string }).encrypt,
			) === r.query[sigKey]
		)
			return { original, replay };
	}
	return undefined;
}

function noSecrets(s: Settings, answer: Answer, expected: string[], input: unknown): void {
	if (answer.accepted) return;
	for (const secret of [s.clientSecret, s.callbackToken, s.callbackAesKey, ...expected]) {
		check(
			secret.length < 4 || !answer.body.includes(secret),
			'a refusal reveals a secret or an expected signature',
			input,
		);
	}
}

const SCENARIOS = [
	'resent',
	'timestamp digits moved to the nonce',
	"'=' padding moved to the nonce",
	'decryption failures',
	'valid plain',
	'mutated encrypted',
	'mutated plain',
	'random',
];

export const httpCallbackTarget: FuzzTarget = {
	name: 'httpCallback',
	// Half the scenarios (0, 1, 2, 4) send a valid callback that must be accepted; the rest are forged or broken.
	minAcceptedShare: 0.4,
	run(rng: Rng): Outcome {
		const scenario = rng.int(8);
		const s = settingsOf(rng);
		const now = 1_700_000_000_000 + rng.int(100_000_000_000);
		const verify = verifierFor(s, now);
		const seen = new Set<string>();
		let accepted = false;
		/** Sends one request; judges it against the reference and what was sent before in this input. */
		const send = (r: HttpCallbackRequest, mustAccept?: Record<string, unknown>) => {
			const input = { scenario: SCENARIOS[scenario], settings: s, now, request: r };
			const answer = mustNotThrow(input, 'verify', () => verify(r));
			const ref = reference(s, now, r);
			const expected = [refRobotSign(s.clientSecret, String(r.headers.timestamp ?? ''))];
			if (typeof (r.body as { encrypt?: unknown })?.encrypt === 'string') {
				expected.push(
					refSignature(
						s.callbackToken,
						q(r, 'timestamp', 'timeStamp'),
						q(r, 'nonce'),
						(r.body as { encrypt: string }).encrypt,
					),
				);
			}
			noSecrets(s, answer, expected, input);
			if (answer.accepted) {
				check(ref.authentic, 'accepted an input the reference finds unauthentic', input);
				check(
					!ref.ciphertext || !seen.has(ref.ciphertext),
					'accepted a replay (this ciphertext was accepted before)',
					input,
				);
				if (ref.ciphertext) seen.add(ref.ciphertext);
				accepted = true;
			}
			if (mustAccept) {
				check(
					answer.accepted,
					`refused a valid callback: ${answer.accepted ? '' : `${answer.status} ${answer.body}`}`,
					input,
				);
				if (answer.accepted && answer.data !== undefined)
					check(
						JSON.stringify(answer.data) === JSON.stringify(mustAccept),
						'accepted a valid callback with other data',
						input,
					);
			}
			return { answer, ref };
		};

		if (scenario === 0) {
			// A fresh valid callback is accepted; the same request again is a replay.
			const sent = signedEncrypted(rng, s, now, eventOf(rng));
			send(sent.request, sent.event);
			send(sent.request);
		} else if (scenario === 1 || scenario === 2) {
			const pair = reshaped(rng, s, now, scenario === 1 ? 'digits' : 'padding');
			if (pair) {
				send(pair.original.request, pair.original.event);
				send(pair.replay);
			}
		} else if (scenario === 3) {
			// Every decryption failure behind a valid signature gets one and the same answer.
			const answers = new Set<string>();
			const failures: HttpCallbackRequest[] = [];
			const other = settingsOf(rng);
			const good = refEncrypt(
				s.callbackAesKey,
				JSON.stringify(eventOf(rng)),
				s.clientId,
				Buffer.from(rng.string(ALNUM, 16, 16)),
			);
			const cipher = Buffer.from(good, 'base64');
			const flipped = Buffer.from(cipher);
			flipped[rng.int(flipped.length)] ^= 1 + rng.int(255);
			const kinds = [
				rng.bytes(1 + rng.int(100)).toString('base64'), // random, often not a block multiple
				rng.bytes(32 * (1 + rng.int(4))).toString('base64'), // block-aligned noise: bad padding
				refEncrypt(other.callbackAesKey, '{}', s.clientId, Buffer.from(rng.string(ALNUM, 16, 16))), // another key
				refEncrypt(s.callbackAesKey, '{}', other.clientId, Buffer.from(rng.string(ALNUM, 16, 16))), // another app
				flipped.toString('base64'),
				good.slice(0, -8),
			];
			for (const encrypt of kinds) {
				const sent = signedEncrypted(rng, s, now, {}, encrypt);
				const { answer, ref } = send(sent.request);
				if (!answer.accepted && ref.decryptFailed) {
					answers.add(`${answer.status} ${answer.body}`);
					failures.push(sent.request);
				}
			}
			check(
				answers.size <= 1,
				`decryption failures get different answers: ${[...answers].join(' | ')}`,
				{ scenario: SCENARIOS[scenario], settings: s, now, requests: failures },
			);
		} else if (scenario === 4) {
			const sent = signedPlain(rng, s, now);
			send(sent.request, sent.event);
		} else if (scenario === 5 || scenario === 6) {
			const sent =
				scenario === 5 ? signedEncrypted(rng, s, now, eventOf(rng)) : signedPlain(rng, s, now);
			send(mutate(rng, sent.request));
		} else {
			send(garbage(rng));
		}
		return accepted ? 'accepted' : 'refused';
	},
};
