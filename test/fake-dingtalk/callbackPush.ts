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
		if (!app.callbackToken || !app.callbackAesKey) throw new Error(`app ${app.clientId} has no callback Token / AES Key`);
		this.crypto = new CallbackCrypto(app.callbackToken, app.callbackAesKey, app.clientId);
	}

	/** An encrypted event push: body {encrypt}, query msg_signature / timestamp / nonce. */
	encrypted(payload: unknown, opts: { timestamp?: string; nonce?: string; plaintext?: string } = {}): PushedCallback {
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

	/** A robot HTTP-mode callback: the plain payload, headers timestamp + sign. */
	signed(payload: unknown, opts: { timestamp?: string } = {}): PushedCallback {
		const timestamp = opts.timestamp ?? String(this.now());
		return {
			method: 'POST',
			query: {},
			headers: { 'content-type': 'application/json', timestamp, sign: robotSignature(this.app.clientSecret, timestamp) },
			body: JSON.stringify(payload),
		};
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
		const { msg_signature: signature, timeStamp, nonce, encrypt } = (answer ?? {}) as Record<string, string>;
		if (!this.crypto.verifySignature(signature, timeStamp, nonce, encrypt)) throw new Error('answer signature mismatch');
		return this.crypto.decrypt(encrypt);
	}
}
