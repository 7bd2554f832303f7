import { randomBytes } from 'crypto';

import { CallbackCrypto, robotSignature } from '../../nodes/DingTalk/crypto/CallbackCrypto';
import type { FakeApp } from './types';

/** One HTTP callback as DingTalk would send it: the query, headers and raw body to POST to the callback URL. */
export interface PushedCallback {
	method: 'POST' | 'GET';
	query: Record<string, string>;
	headers: Record<string, string>;
	body: string;
}

export interface PushAnswer {
	status: number;
	text: string;
	json?: Record<string, unknown>;
}

/**
 * DingTalk's side of HTTP mode: encrypts and signs event pushes (AES key + Token) and signs robot callbacks
 * (Client Secret) the way DingTalk does, with the project's CallbackCrypto (checked against DingTalk's public
 * vectors in the unit tests), and reads the encrypted "success" answers back.
 */
export class DingTalkCallbackPusher {
	readonly crypto: CallbackCrypto;

	constructor(
		readonly app: FakeApp,
		private readonly now: () => number = Date.now,
	) {
		if (!app.callbackToken || !app.callbackAesKey)
			throw new Error(`app ${app.clientId} has no callback Token / AES Key`);
		this.crypto = new CallbackCrypto(app.callbackToken, app.callbackAesKey, app.clientId);
	}

	/** An encrypted event push: body {encrypt}, query msg_signature / timestamp / nonce. */
	encrypted(
		payload: unknown,
		opts: { timestamp?: string; nonce?: string; plaintext?: string } = {},
	): PushedCallback {
		const timestamp = opts.timestamp ?? String(this.now());
		const nonce = opts.nonce ?? randomBytes(8).toString('hex');
		const encrypt = this.crypto.encrypt(opts.plaintext ?? JSON.stringify(payload));
		return {
			method: 'POST',
			query: { msg_signature: this.crypto.signature(timestamp, nonce, encrypt), timestamp, nonce },
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ encrypt }),
		};
	}

	/**
	 * A replay of a good encrypted push reshaped so that its signature still holds: the signature is SHA-1 over the
	 * sorted, unseparated token / timestamp / nonce / ciphertext, so characters can move between neighbours in that
	 * order. `shiftedDigits` moves the timestamp's last 3 digits to the front of the nonce (a 10-digit timestamp then
	 * reads as seconds); `movedPadding` moves the ciphertext's `=` padding there. Fresh pushes are tried until their
	 * sort order allows the move; the returned replay is checked to carry a valid signature.
	 */
	reshapedReplay(
		payload: unknown,
		how: 'shiftedDigits' | 'movedPadding',
	): { original: PushedCallback; replay: PushedCallback } {
		for (let attempt = 0; attempt < 5000; attempt++) {
			const timestamp = String(this.now() - (attempt % 1000));
			// Trailing spaces (still the same JSON) add 0-2 AES blocks of 32 bytes, so some ciphertexts end in `=` padding.
			const plaintext = JSON.stringify(payload) + ' '.repeat(32 * (attempt % 3));
			const original = this.encrypted(payload, {
				timestamp,
				nonce: randomBytes(8).toString('hex'),
				plaintext,
			});
			const { msg_signature: signature, nonce } = original.query;
			const encrypt = (JSON.parse(original.body) as { encrypt: string }).encrypt;
			const padding = /=+$/.exec(encrypt)?.[0] ?? '';
			if (how === 'movedPadding' && !padding) continue;
			const [t, n, e] =
				how === 'shiftedDigits'
					? [timestamp.slice(0, -3), timestamp.slice(-3) + nonce, encrypt]
					: [timestamp, padding + nonce, encrypt.slice(0, -padding.length)];
			if (this.crypto.signature(t, n, e) !== signature) continue;
			const replay = {
				...original,
				query: { msg_signature: signature, timestamp: t, nonce: n },
				body: JSON.stringify({ encrypt: e }),
			};
			return { original, replay };
		}
		throw new Error(`no push found whose signature survives ${how}`);
	}

	/**
	 * A replay by someone holding the Callback Token (not the AES key): one byte of the first AES block of a good
	 * push's ciphertext flipped, then signed again under a fresh timestamp and nonce. CBC garbles the 16-byte random
	 * prefix and flips the same byte of the next block: the first character of the JSON's first key (`extension` reads
	 * `Xxtension`), so the event still decrypts and reads. `decrypted` is what the replay decrypts to.
	 */
	flippedReplay(
		payload: Record<string, unknown>,
		opts: { timestamp?: string } = {},
	): { original: PushedCallback; replay: PushedCallback; decrypted: string } {
		const original = this.encrypted(payload);
		const ciphertext = Buffer.from(
			(JSON.parse(original.body) as { encrypt: string }).encrypt,
			'base64',
		);
		// Plaintext: random(16) | length(4) | JSON; the JSON's `{"` takes bytes 20-21, so its first key starts at 22,
		// byte 6 of the second AES block, which byte 6 of the first ciphertext block flips.
		const keyStart = 22;
		const first = JSON.stringify(payload)[keyStart - 20];
		ciphertext[keyStart - 16] ^= first.charCodeAt(0) ^ 'X'.charCodeAt(0);
		const encrypt = ciphertext.toString('base64');
		const decrypted = this.crypto.decrypt(encrypt);
		JSON.parse(decrypted);
		const timestamp = opts.timestamp ?? String(this.now() + 1);
		const nonce = randomBytes(8).toString('hex');
		return {
			original,
			replay: {
				...original,
				query: {
					msg_signature: this.crypto.signature(timestamp, nonce, encrypt),
					timestamp,
					nonce,
				},
				body: JSON.stringify({ encrypt }),
			},
			decrypted,
		};
	}

	/** A robot HTTP-mode callback: the plain payload, headers timestamp + sign. */
	signed(payload: unknown, opts: { timestamp?: string } = {}): PushedCallback {
		const timestamp = opts.timestamp ?? String(this.now());
		return {
			method: 'POST',
			query: {},
			headers: {
				'content-type': 'application/json',
				timestamp,
				sign: robotSignature(this.app.clientSecret, timestamp),
			},
			body: JSON.stringify(payload),
		};
	}

	/**
	 * An organisation event pushed as DingTalk's event subscription does over HTTP: encrypted, and pushed again
	 * (re-encrypted, fresh timestamp and nonce) after each delay in `retryDelaysMs` while the answer is not a
	 * verified encrypted "success" within `timeoutMs` (DingTalk: 2.5 s; retries at +10 s and +30 s, UNCONFIRMED for
	 * console apps). Returns every answer, in order (a timed-out push counts with status 0).
	 */
	async pushEvent(
		url: string,
		payload: Record<string, unknown>,
		opts: { retryDelaysMs?: number[]; timeoutMs?: number } = {},
	): Promise<PushAnswer[]> {
		const answers: PushAnswer[] = [];
		const delays = [0, ...(opts.retryDelaysMs ?? [10_000, 30_000])];
		for (const delay of delays) {
			if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
			const answer = await Promise.race([
				DingTalkCallbackPusher.send(url, this.encrypted(payload)),
				new Promise<PushAnswer>((resolve) =>
					setTimeout(() => resolve({ status: 0, text: 'timeout' }), opts.timeoutMs ?? 2500).unref(),
				),
			]).catch((error: Error): PushAnswer => ({ status: 0, text: error.message }));
			answers.push(answer);
			if (answer.status === 200 && this.readsSuccess(answer)) break;
		}
		return answers;
	}

	private readsSuccess(answer: PushAnswer): boolean {
		try {
			return this.readAnswer(answer.json) === 'success';
		} catch {
			return false;
		}
	}

	static async send(url: string, callback: PushedCallback): Promise<PushAnswer> {
		const target = new URL(url);
		for (const [key, value] of Object.entries(callback.query)) target.searchParams.set(key, value);
		const response = await fetch(target, {
			method: callback.method,
			headers: callback.headers,
			body: callback.method === 'GET' ? undefined : callback.body,
		});
		const text = await response.text();
		let json: Record<string, unknown> | undefined;
		try {
			json = JSON.parse(text) as Record<string, unknown>;
		} catch {
			json = undefined;
		}
		return { status: response.status, text, json };
	}

	/** Checks the signature of an encrypted answer and returns its plaintext (DingTalk expects "success"). */
	readAnswer(answer: Record<string, unknown> | undefined): string {
		const {
			msg_signature: signature,
			timeStamp,
			nonce,
			encrypt,
		} = (answer ?? {}) as Record<string, string>;
		if (!this.crypto.verifySignature(signature, timeStamp, nonce, encrypt))
			throw new Error('answer signature mismatch');
		return this.crypto.decrypt(encrypt);
	}
}
