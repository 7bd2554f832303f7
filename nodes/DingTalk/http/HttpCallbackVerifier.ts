import { createHash } from 'crypto';

import { CallbackCrypto, CallbackCryptoError, verifyRobotSignature } from '../crypto/CallbackCrypto';
import { describeAesKeyProblem } from '../crypto/aesKey';
import { TOPIC_CARD_CALLBACK, TOPIC_ROBOT_MESSAGE } from '../stream/frames';
import type { IncomingCallback } from '../trigger/EventPipeline';
import { ReplayGuard } from './ReplayGuard';

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

export type HttpVerdict =
	| { kind: 'reject'; status: number; reason: string }
	/** DingTalk's reachability check: GET on the callback URL. */
	| { kind: 'reachability' }
	/** DingTalk checks a newly saved callback URL with an encrypted `check_url` event. */
	| { kind: 'urlCheck' }
	| { kind: 'callback'; callback: IncomingCallback; encrypted: boolean };

/** DingTalk's callbacks are a few KB; anything this large did not come from DingTalk. */
export const MAX_CALLBACK_BODY_BYTES = 1024 * 1024;
/**
 * How far a callback's timestamp may be from our clock. DingTalk documents one hour for robot HTTP callbacks; for
 * encrypted event pushes no window is documented [UNCONFIRMED], so the same hour applies.
 */
export const CALLBACK_TIMESTAMP_WINDOW_MS = 60 * 60 * 1000;

const URL_CHECK_EVENTS = new Set(['check_url', 'check_create_suite_url', 'check_update_suite_url']);

const reject = (status: number, reason: string): HttpVerdict => ({ kind: 'reject', status, reason });

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
		private readonly replays: ReplayGuard = new ReplayGuard(CALLBACK_TIMESTAMP_WINDOW_MS),
		private readonly now: () => number = Date.now,
	) {
		this.encryptionProblem = !settings.callbackToken
			? 'The credential has no Callback Token.'
			: describeAesKeyProblem(settings.callbackAesKey);
		if (!this.encryptionProblem) this.crypto = new CallbackCrypto(settings.callbackToken, settings.callbackAesKey.trim(), settings.clientId);
	}

	verify(request: HttpCallbackRequest): HttpVerdict {
		const method = request.method.toUpperCase();
		if (method === 'GET' || method === 'HEAD') return { kind: 'reachability' };
		if (method !== 'POST') return reject(405, 'method not allowed');
		const contentType = String(header(request.headers, 'content-type') ?? '').toLowerCase();
		if (!contentType.startsWith('application/json')) return reject(415, 'content type must be application/json');
		if (request.bodyBytes > MAX_CALLBACK_BODY_BYTES) return reject(413, 'body too large');
		const body = request.body;
		if (!isObject(body) || Object.keys(body).length === 0) return reject(400, 'body is not a JSON object');
		return 'encrypt' in body ? this.verifyEncrypted(request, body) : this.verifyPlain(request, body);
	}

	/** The encrypted "success" DingTalk expects after an encrypted callback. */
	encryptedSuccess(): Record<string, string> {
		if (!this.crypto) throw new Error('encrypted callbacks are not configured');
		return this.crypto.encryptedSuccess();
	}

	private verifyEncrypted(request: HttpCallbackRequest, body: Record<string, unknown>): HttpVerdict {
		if (!this.crypto) return reject(503, 'encrypted callbacks are not configured on this trigger');
		const encrypt = body.encrypt;
		if (typeof encrypt !== 'string' || !encrypt) return reject(400, 'encrypt must be a non-empty string');
		// DingTalk's pages disagree on the names; its own crypto library reads both spellings.
		const signature = first(request.query, 'msg_signature', 'signature');
		const timestamp = first(request.query, 'timestamp', 'timeStamp');
		const nonce = first(request.query, 'nonce');
		if (!signature) return reject(400, 'missing query parameter msg_signature');
		if (!timestamp) return reject(400, 'missing query parameter timestamp');
		if (!nonce) return reject(400, 'missing query parameter nonce');
		const stale = this.timestampProblem(timestamp);
		if (stale) return stale;
		if (!this.crypto.verifySignature(signature, timestamp, nonce, encrypt)) return reject(401, 'signature mismatch');
		if (this.replays.isReplay(`${timestamp}|${nonce}`)) return reject(409, 'nonce already used (replay)');
		let plaintext: string;
		try {
			plaintext = this.crypto.decrypt(encrypt);
		} catch (error) {
			const known = error instanceof CallbackCryptoError ? error : undefined;
			if (known?.code === 'ownerKeyMismatch') return reject(403, 'callback is for another app (AppKey mismatch)');
			return reject(400, `cannot decrypt: ${known?.message ?? 'decryption failed'}`);
		}
		let event: unknown;
		try {
			event = JSON.parse(plaintext);
		} catch {
			return reject(400, 'decrypted payload is not JSON');
		}
		if (!isObject(event)) return reject(400, 'decrypted payload is not a JSON object');
		if (typeof event.EventType === 'string' && URL_CHECK_EVENTS.has(event.EventType)) return { kind: 'urlCheck' };
		return this.classify(event, true, `${timestamp}|${nonce}`);
	}

	private verifyPlain(request: HttpCallbackRequest, body: Record<string, unknown>): HttpVerdict {
		const timestamp = header(request.headers, 'timestamp');
		const sign = header(request.headers, 'sign');
		if (!timestamp || !sign) return reject(401, 'missing timestamp or sign header');
		const stale = this.timestampProblem(timestamp);
		if (stale) return stale;
		if (!verifyRobotSignature(this.settings.clientSecret, timestamp, sign)) return reject(401, 'signature mismatch');
		return this.classify(body, false, timestamp);
	}

	private timestampProblem(value: string): HttpVerdict | undefined {
		if (!/^\d{1,16}$/.test(value)) return reject(400, 'timestamp is not a number');
		let ms = Number(value);
		if (ms < 1e12) ms *= 1000; // some of DingTalk's pushes use seconds
		const drift = ms - this.now();
		if (drift < -CALLBACK_TIMESTAMP_WINDOW_MS) return reject(401, 'timestamp too old');
		if (drift > CALLBACK_TIMESTAMP_WINDOW_MS) return reject(401, 'timestamp in the future');
		return undefined;
	}

	/** Robot message or card callback; anything else is refused, so it can start no run. */
	private classify(event: Record<string, unknown>, encrypted: boolean, deliveryKey: string): HttpVerdict {
		if (typeof event.msgtype === 'string' && typeof event.conversationId === 'string') {
			if (typeof event.msgId !== 'string' || !event.msgId) return reject(400, 'robot message without msgId');
			return { kind: 'callback', encrypted, callback: { topic: TOPIC_ROBOT_MESSAGE, messageId: event.msgId, data: event } };
		}
		if (typeof event.outTrackId === 'string' && ('content' in event || 'value' in event)) {
			// Card callbacks carry no ID of their own; two clicks on one button differ only in when they were sent.
			const id = createHash('sha1').update(deliveryKey).update(JSON.stringify(event)).digest('hex');
			return { kind: 'callback', encrypted, callback: { topic: TOPIC_CARD_CALLBACK, messageId: `card-${id}`, data: event } };
		}
		return reject(400, 'unsupported event type');
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function header(headers: HttpCallbackRequest['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function first(query: Record<string, unknown>, ...names: string[]): string | undefined {
	for (const name of names) {
		const value = query[name];
		const text = Array.isArray(value) ? value[0] : value;
		if (typeof text === 'string' && text) return text;
	}
	return undefined;
}
