import { createHash } from 'crypto';

import { CallbackCrypto, decodeCiphertext, verifyRobotSignature } from '../crypto/CallbackCrypto';
import { describeAesKeyProblem } from '../crypto/aesKey';
import { isDecisionOutTrackId } from '../crypto/decisionKey';
import {
	type IncomingCallback,
	TOPIC_CARD_CALLBACK,
	TOPIC_ROBOT_MESSAGE,
} from '../transport/callbacks';
import { orgEventCallback, orgEventFromHttp } from '../transport/orgEvents';
import { ReplayGuard } from './ReplayGuard';
import { isJsonObject } from '../../shared/json';

/** The parts of an HTTP request the verifier looks at (n8n's webhook request, or a test's). */
export interface HttpCallbackRequest {
	method: string;
	headers: Record<string, string | string[] | undefined>;
	query: Record<string, unknown>;
	/** The parsed JSON body. */
	body: unknown;
	/** Size of the body as it arrived, in bytes. */
	bodyBytes: number;
}

export interface HttpCallbackSettings {
	clientId: string;
	clientSecret: string;
	callbackToken: string;
	callbackAesKey: string;
}

/** The two signatures DingTalk puts on callbacks (Connection → Get Status names them). */
export const SIGNATURE_ALGORITHMS = {
	encrypted:
		'SHA-1: msg_signature over the sorted Token, timestamp, nonce and encrypt (encrypted event pushes, AES-256-CBC)',
	plain:
		'HmacSHA256: sign header, Base64 HMAC-SHA256 of timestamp + "\\n" + Client Secret (plain robot callbacks)',
} as const;

/** Which callback secrets are set and usable, as booleans only: the values never leave the credential. */
export interface CallbackSecretsState {
	tokenSet: boolean;
	aesKeySet: boolean;
	/** 43 letters and digits, which decode to the 32-byte AES key (crypto/aesKey). */
	aesKeyValid: boolean;
}

export function callbackSecretsState(settings: HttpCallbackSettings): CallbackSecretsState {
	const aesKeySet = settings.callbackAesKey.trim() !== '';
	return {
		tokenSet: settings.callbackToken.trim() !== '',
		aesKeySet,
		aesKeyValid: aesKeySet && describeAesKeyProblem(settings.callbackAesKey) === undefined,
	};
}

export type HttpVerdict =
	/** `reason` is what the caller is told; `detail`, when present, is for n8n's log only. */
	| { kind: 'reject'; status: number; reason: string; detail?: string }
	/** DingTalk's reachability check: GET on the callback URL. */
	| { kind: 'reachability' }
	/** DingTalk checks a newly saved callback URL with an encrypted `check_url` event. */
	| { kind: 'urlCheck' }
	| { kind: 'callback'; callback: IncomingCallback; encrypted: boolean }
	/**
	 * A valid callback whose event was accepted before in the window (DingTalk's redelivery, a second identical
	 * click, or a Token holder's re-signed copy): answered as a success, so DingTalk stops sending it, and never run.
	 */
	| { kind: 'duplicate'; encrypted: boolean; messageId: string };

/** DingTalk's callbacks are a few KB; anything this large did not come from DingTalk. */
export const MAX_CALLBACK_BODY_BYTES = 1024 * 1024;
/**
 * How far a callback's timestamp may be from our clock. DingTalk documents one hour for robot HTTP callbacks; for
 * encrypted event pushes no window is documented [UNCONFIRMED], so the same hour applies.
 */
export const CALLBACK_TIMESTAMP_WINDOW_MS = 60 * 60 * 1000;
/**
 * Replay memory entries per trigger node (a fixed-size digest each, about 100 bytes): 100,000 callbacks, each held by
 * its bytes and by its meaning (two entries).
 */
export const REPLAY_MEMORY_ENTRIES = 200_000;
/**
 * DingTalk sends milliseconds, 13 digits: robot callbacks (`timestamp` header) and event pushes (the check_url
 * vectors of its crypto libraries; only the "success" answers its libraries write may use seconds). One form only:
 * the signature covers the sorted, unseparated strings, so accepting seconds too would let the last three digits
 * move into the nonce with the signature intact.
 */
const TIMESTAMP_FORMAT = /^\d{13}$/;
/**
 * The one answer for every encrypted callback that is signed with the Token but cannot be read (bad base64, block
 * length, padding, length field, AppKey, not a JSON object). Different answers would be a padding oracle for anyone
 * holding the Token; which one it was goes to n8n's log only.
 */
export const DECRYPTION_REFUSAL = { status: 400, reason: 'cannot decrypt' } as const;

/** The answer for a verified event that cannot be read (as httpMode answers one the pipeline cannot read). */
export const UNREADABLE_EVENT = { status: 400, reason: 'unreadable event' } as const;

const URL_CHECK_EVENTS = new Set(['check_url', 'check_create_suite_url', 'check_update_suite_url']);

const reject = (status: number, reason: string, detail?: string): HttpVerdict =>
	detail === undefined
		? { kind: 'reject', status, reason }
		: { kind: 'reject', status, reason, detail };
const cannotDecrypt = (detail: string): HttpVerdict =>
	reject(DECRYPTION_REFUSAL.status, DECRYPTION_REFUSAL.reason, detail);
const memoryFullRefusal = (): HttpVerdict =>
	reject(
		401,
		'timestamp too old',
		'replay memory is full: callbacks older than those it dropped are refused',
	);
const digest = (...parts: Array<string | Buffer>): string => {
	const hash = createHash('sha256');
	for (const part of parts) hash.update(part).update('\0');
	return hash.digest().subarray(0, 18).toString('base64');
};

/**
 * Decides whether an HTTP request on the trigger's callback URL came from DingTalk, and what it carries. Nothing it
 * refuses reaches the event pipeline; its reasons are short and never contain a secret or an expected signature.
 * Two formats: encrypted event pushes (`{encrypt}` + `msg_signature`/`timestamp`/`nonce` query, AES key and token
 * from the credential) and plain robot callbacks (headers `timestamp` + `sign`, HMAC with the Client Secret).
 */
export class HttpCallbackVerifier {
	private readonly crypto?: CallbackCrypto;
	/** Why encrypted callbacks cannot be read with this credential (told to the admin in n8n's log, not to callers). */
	readonly encryptionProblem?: string;

	constructor(
		private readonly settings: HttpCallbackSettings,
		private readonly now: () => number = Date.now,
		private readonly replays: ReplayGuard = new ReplayGuard(REPLAY_MEMORY_ENTRIES, now),
	) {
		this.encryptionProblem = !settings.callbackToken
			? 'The credential has no Callback Token.'
			: describeAesKeyProblem(settings.callbackAesKey);
		if (!this.encryptionProblem)
			this.crypto = new CallbackCrypto(
				settings.callbackToken,
				settings.callbackAesKey.trim(),
				settings.clientId,
			);
	}

	/** Never throws: an event that cannot be read however it fails (nested too deep to walk, say) gets a 400. */
	verify(request: HttpCallbackRequest): HttpVerdict {
		try {
			return this.verifyRequest(request);
		} catch (error) {
			return reject(
				UNREADABLE_EVENT.status,
				UNREADABLE_EVENT.reason,
				`the event cannot be read: ${(error as Error)?.message ?? String(error)}`,
			);
		}
	}

	private verifyRequest(request: HttpCallbackRequest): HttpVerdict {
		const method = request.method.toUpperCase();
		if (method === 'GET' || method === 'HEAD') return { kind: 'reachability' };
		if (method !== 'POST') return reject(405, 'method not allowed');
		const contentType = String(header(request.headers, 'content-type') ?? '').toLowerCase();
		if (!contentType.startsWith('application/json'))
			return reject(415, 'content type must be application/json');
		if (request.bodyBytes > MAX_CALLBACK_BODY_BYTES) return reject(413, 'body too large');
		const body = request.body;
		if (!isJsonObject(body) || Object.keys(body).length === 0)
			return reject(400, 'body is not a JSON object');
		return 'encrypt' in body
			? this.verifyEncrypted(request, body)
			: this.verifyPlain(request, body);
	}

	/** The encrypted "success" DingTalk expects after an encrypted callback. */
	encryptedSuccess(): Record<string, string> {
		if (!this.crypto) throw new Error('encrypted callbacks are not configured');
		return this.crypto.encryptedSuccess();
	}

	private verifyEncrypted(
		request: HttpCallbackRequest,
		body: Record<string, unknown>,
	): HttpVerdict {
		if (!this.crypto) return reject(503, 'encrypted callbacks are not configured on this trigger');
		const encrypt = body.encrypt;
		if (typeof encrypt !== 'string' || !encrypt)
			return reject(400, 'encrypt must be a non-empty string');
		// DingTalk's pages disagree on the names; its own crypto library reads both spellings.
		const signature = first(request.query, 'msg_signature', 'signature');
		const timestamp = first(request.query, 'timestamp', 'timeStamp');
		const nonce = first(request.query, 'nonce');
		if (!signature) return reject(400, 'missing query parameter msg_signature');
		if (!timestamp) return reject(400, 'missing query parameter timestamp');
		if (!nonce) return reject(400, 'missing query parameter nonce');
		const stale = this.timestampProblem(timestamp);
		if (stale) return stale;
		if (!this.crypto.verifySignature(signature, timestamp, nonce, encrypt))
			return reject(401, 'signature mismatch');
		let ciphertext: Buffer;
		let event: unknown;
		try {
			ciphertext = decodeCiphertext(encrypt);
			event = JSON.parse(this.crypto.decryptCiphertext(ciphertext));
		} catch (error) {
			return cannotDecrypt(
				error instanceof SyntaxError ? 'decrypted payload is not JSON' : (error as Error).message,
			);
		}
		if (!isJsonObject(event)) return cannotDecrypt('decrypted payload is not a JSON object');
		// Keyed on the ciphertext (16 random bytes in each), not on timestamp and nonce: those can be reshaped with the
		// signature intact. The ciphertext alone is not enough either: a Token holder can flip a byte of it (CBC garbles
		// the random prefix and one byte of the JSON, which may still read), so an event is also held by what it means.
		const replayKey = digest('encrypted', ciphertext);
		const replay = this.replayProblem(replayKey, timestamp);
		if (replay) return replay;
		if (typeof event.EventType === 'string' && URL_CHECK_EVENTS.has(event.EventType))
			return { kind: 'urlCheck' };
		return this.heldByMeaning(this.classify(event, true, replayKey), timestamp);
	}

	private verifyPlain(request: HttpCallbackRequest, body: Record<string, unknown>): HttpVerdict {
		const timestamp = header(request.headers, 'timestamp');
		const sign = header(request.headers, 'sign');
		if (!timestamp || !sign) return reject(401, 'missing timestamp or sign header');
		const stale = this.timestampProblem(timestamp);
		if (stale) return stale;
		if (!verifyRobotSignature(this.settings.clientSecret, timestamp, sign))
			return reject(401, 'signature mismatch');
		const verdict = this.classify(body, false, timestamp);
		if (verdict.kind !== 'callback') return verdict;
		// The signature covers the timestamp only (not the body), so the Deduplicator (10 minutes) alone would let the
		// same request run again later in the hour: the request itself is refused for the window, and its event (under
		// this or any other captured timestamp and sign) is held by meaning.
		const replay = this.replayProblem(
			digest('plain', timestamp, sign, verdict.callback.messageId),
			timestamp,
		);
		return replay ?? this.heldByMeaning(verdict, timestamp);
	}

	/**
	 * Holds a callback whose event was accepted before inside the timestamp window, whatever its bytes: the same robot
	 * message (msgId), or the same person's same click on the same card (outTrackId, userId and the clicked value).
	 * Card callbacks carry no ID or time of their own, so an identical second click inside the hour is held too:
	 * anyone holding the Token can sign any timestamp, so the timestamp cannot tell them apart. Held, not refused: a
	 * redelivery by DingTalk gets its success answer, and nothing runs twice.
	 */
	private heldByMeaning(verdict: HttpVerdict, timestamp: string): HttpVerdict {
		if (verdict.kind !== 'callback') return verdict;
		const seen = this.replays.check(
			meaningKey(verdict.callback),
			Number(timestamp) + CALLBACK_TIMESTAMP_WINDOW_MS,
		);
		// A second identical click on a decision card goes on to the trigger: its decision store answers it with the
		// decision ("already decided") and never runs it again; held here, the clicker would get an empty answer.
		if (seen === 'replay' && isDecisionClick(verdict.callback)) return verdict;
		if (seen === 'replay')
			return {
				kind: 'duplicate',
				encrypted: verdict.encrypted,
				messageId: verdict.callback.messageId,
			};
		if (seen === 'tooOld') return memoryFullRefusal();
		return verdict;
	}

	private replayProblem(key: string, timestamp: string): HttpVerdict | undefined {
		const seen = this.replays.check(key, Number(timestamp) + CALLBACK_TIMESTAMP_WINDOW_MS);
		if (seen === 'replay') return reject(409, 'already received (replay)');
		if (seen === 'tooOld') return memoryFullRefusal();
		return undefined;
	}

	private timestampProblem(value: string): HttpVerdict | undefined {
		if (!TIMESTAMP_FORMAT.test(value))
			return reject(400, 'timestamp must be 13-digit milliseconds');
		const drift = Number(value) - this.now();
		if (drift < -CALLBACK_TIMESTAMP_WINDOW_MS) return reject(401, 'timestamp too old');
		if (drift > CALLBACK_TIMESTAMP_WINDOW_MS) return reject(401, 'timestamp in the future');
		return undefined;
	}

	/** Robot message, card callback or (encrypted pushes only) organisation event; anything else is refused. */
	private classify(
		event: Record<string, unknown>,
		encrypted: boolean,
		deliveryKey: string,
	): HttpVerdict {
		if (typeof event.msgtype === 'string' && typeof event.conversationId === 'string') {
			if (typeof event.msgId !== 'string' || !event.msgId)
				return reject(400, 'robot message without msgId');
			return {
				kind: 'callback',
				encrypted,
				callback: { topic: TOPIC_ROBOT_MESSAGE, messageId: event.msgId, data: event },
			};
		}
		if (typeof event.outTrackId === 'string' && ('content' in event || 'value' in event)) {
			// Who clicked is part of what a click means (the replay key): without it a flipped key name would make a new one.
			if (typeof event.userId !== 'string' || !event.userId)
				return reject(400, 'card callback without userId');
			// Card callbacks carry no ID of their own: the delivery and what was clicked make one.
			const id = createHash('sha1')
				.update(deliveryKey)
				.update(cardMeaning(event).join('\0'))
				.digest('hex');
			return {
				kind: 'callback',
				encrypted,
				callback: { topic: TOPIC_CARD_CALLBACK, messageId: `card-${id}`, data: event },
			};
		}
		// Event subscriptions push to the same URL, always encrypted, with EventType (legacy) or eventType.
		if (encrypted && ('EventType' in event || 'eventType' in event)) {
			const parsed = orgEventFromHttp(event);
			if ('problem' in parsed) return reject(400, 'unsupported event type', parsed.problem);
			return { kind: 'callback', encrypted, callback: orgEventCallback(parsed.envelope) };
		}
		return reject(400, 'unsupported event type');
	}
}

export type HttpRefusal = Extract<HttpVerdict, { kind: 'reject' }>;

/** What the caller gets for a refusal: the status and the short reason, never the detail. */
export function refusalAnswer(verdict: HttpRefusal): { status: number; body: { error: string } } {
	return { status: verdict.status, body: { error: verdict.reason } };
}

/** The line n8n's log gets for a refusal (at warn), with the detail the caller is not told. */
export function refusalLogLine(verdict: HttpRefusal): string {
	return `DingTalk Trigger: refused a callback (${verdict.status} ${verdict.reason})${verdict.detail ? `: ${verdict.detail}` : ''}`;
}

function header(headers: HttpCallbackRequest['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** Length-prefixed parts, so no choice of field values makes two different events share a key. */
function identityDigest(kind: string, parts: string[]): string {
	return digest(kind, ...parts.map((part) => `${part.length}:${part}`));
}

/**
 * What a card click means: which card, who, and the clicked value as the trigger reads it (`value`, else `content`).
 * Every other field (corpId, spaceId, extension, ...) may differ between deliveries of one click without it meaning
 * another click.
 */
function cardMeaning(event: Record<string, unknown>): string[] {
	return [event.outTrackId, event.userId, event.value ?? event.content].map((field) =>
		typeof field === 'string' ? field : (JSON.stringify(field) ?? ''),
	);
}

function isDecisionClick(callback: IncomingCallback): boolean {
	const { outTrackId } = callback.data;
	return (
		callback.topic === TOPIC_CARD_CALLBACK &&
		typeof outTrackId === 'string' &&
		isDecisionOutTrackId(outTrackId)
	);
}

/** The replay key of what an accepted callback means (see HttpCallbackVerifier.heldByMeaning). */
function meaningKey(callback: IncomingCallback): string {
	return callback.topic === TOPIC_CARD_CALLBACK
		? identityDigest('card', cardMeaning(callback.data))
		: identityDigest('message', [callback.messageId]);
}

function first(query: Record<string, unknown>, ...names: string[]): string | undefined {
	for (const name of names) {
		const value = query[name];
		const text = Array.isArray(value) ? value[0] : value;
		if (typeof text === 'string' && text) return text;
	}
	return undefined;
}
