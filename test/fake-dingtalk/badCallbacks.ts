import { createCipheriv, randomBytes } from 'crypto';

import { CallbackCrypto, robotSignature } from '../../nodes/DingTalk/crypto/CallbackCrypto';
import { DingTalkCallbackPusher, type PushedCallback } from './callbackPush';

export interface BadCallbackCase {
	name: string;
	/** The request; built fresh per run (timestamps are relative to now). */
	request: () => PushedCallback;
	status: number;
	/** Part of the short reason the answer must give. */
	reason: string;
	/** Sent first (and answered 200) to set up the case, e.g. the original of a replay. */
	before?: () => PushedCallback;
	/** Refused by n8n before the node sees it (only meaningful through a real n8n). */
	refusedByN8n?: boolean;
	/**
	 * Signed with the Token but unreadable: all of these must get one byte-identical answer (else the answers are a
	 * padding oracle); `reason` is then the detail n8n's log gives.
	 */
	decryption?: boolean;
}

/** Built once, on first use: a case's `before` and `request` that must belong together. */
function once<T>(make: () => T): () => T {
	let made: { value: T } | undefined;
	return () => (made ??= { value: make() }).value;
}

const HOUR = 60 * 60 * 1000;

/**
 * Requests that did not come from DingTalk, or came broken: each must be refused with a 4xx, start no run and leak
 * nothing. `messageOf` gives a valid robot message payload (called when a case's request is built), so every case
 * differs from a good request in one way only.
 */
export function badCallbackCases(
	pusher: DingTalkCallbackPusher,
	messageOf: () => Record<string, unknown>,
): BadCallbackCase[] {
	const app = pusher.app;
	const token = app.callbackToken as string;
	const aesKey = app.callbackAesKey as string;
	const otherKey = 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6L';
	const now = () => String(Date.now());
	/** An encrypted push whose body is `{encrypt}` for any ciphertext, signed correctly with the app's token. */
	const signedCiphertext = (encrypt: unknown, timestamp = now()) => {
		const nonce = randomBytes(8).toString('hex');
		const signer = new CallbackCrypto(token, aesKey, app.clientId);
		return {
			method: 'POST' as const,
			query: {
				msg_signature: signer.signature(timestamp, nonce, String(encrypt)),
				timestamp,
				nonce,
			},
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ encrypt }),
		};
	};
	const withQuery = (change: (query: Record<string, string>) => void) => {
		const request = pusher.encrypted(messageOf());
		change(request.query);
		return request;
	};
	const withHeaders = (change: (headers: Record<string, string>) => void) => {
		const request = pusher.signed(messageOf());
		change(request.headers);
		return request;
	};
	const rawAes = (plain: Buffer) => {
		const key = Buffer.from(`${aesKey}=`, 'base64');
		const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
		return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
	};
	const checkUrl = pusher.encrypted({ EventType: 'check_url' });
	/** Accepted (200) but filtered by every test workflow's allow-list, so the original of a replay starts no run. */
	const filteredMessage = () => ({ ...messageOf(), conversationId: 'cidNotAllowedAnywhere==' });
	const shifted = once(() => pusher.reshapedReplay(filteredMessage(), 'shiftedDigits'));
	const movedPadding = once(() => pusher.reshapedReplay(filteredMessage(), 'movedPadding'));
	const plainOriginal = once(() => pusher.signed(filteredMessage()));
	const resigned = once(() => {
		const original = pusher.encrypted(filteredMessage());
		return {
			original,
			replay: signedCiphertext(
				(JSON.parse(original.body) as { encrypt: string }).encrypt,
				String(Date.now() + 1),
			),
		};
	});
	const stale = String(Date.now() - 2 * HOUR);
	const future = String(Date.now() + 2 * HOUR);

	return [
		// Encrypted event pushes: signature and query
		{
			name: 'wrong signature',
			request: () =>
				withQuery(
					(q) => (q.msg_signature = q.msg_signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))),
				),
			status: 401,
			reason: 'signature mismatch',
		},
		{
			name: 'signature made with another token',
			request: () => {
				const r = pusher.encrypted(messageOf());
				const encrypt = (JSON.parse(r.body) as { encrypt: string }).encrypt;
				r.query.msg_signature = new CallbackCrypto('another-token', aesKey, app.clientId).signature(
					r.query.timestamp,
					r.query.nonce,
					encrypt,
				);
				return r;
			},
			status: 401,
			reason: 'signature mismatch',
		},
		{
			name: 'signature for another nonce',
			request: () => withQuery((q) => (q.nonce = `${q.nonce}x`)),
			status: 401,
			reason: 'signature mismatch',
		},
		{
			name: 'missing msg_signature',
			request: () => withQuery((q) => delete q.msg_signature),
			status: 400,
			reason: 'missing query parameter msg_signature',
		},
		{
			name: 'missing timestamp',
			request: () => withQuery((q) => delete q.timestamp),
			status: 400,
			reason: 'missing query parameter timestamp',
		},
		{
			name: 'missing nonce',
			request: () => withQuery((q) => delete q.nonce),
			status: 400,
			reason: 'missing query parameter nonce',
		},
		{
			name: 'timestamp is not a number',
			request: () => withQuery((q) => (q.timestamp = 'yesterday')),
			status: 400,
			reason: 'timestamp must be 13-digit milliseconds',
		},
		{
			name: 'timestamp in seconds (signed)',
			request: () =>
				pusher.encrypted(messageOf(), { timestamp: String(Math.floor(Date.now() / 1000)) }),
			status: 400,
			reason: 'timestamp must be 13-digit milliseconds',
		},
		{
			name: 'stale timestamp (2 h old, signed)',
			request: () => pusher.encrypted(messageOf(), { timestamp: stale }),
			status: 401,
			reason: 'timestamp too old',
		},
		{
			name: 'future timestamp (2 h ahead, signed)',
			request: () => pusher.encrypted(messageOf(), { timestamp: future }),
			status: 401,
			reason: 'timestamp in the future',
		},
		{
			name: 'public vector V1 replayed (timestamp of 2021, in seconds)',
			request: () => ({
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				query: {
					msg_signature: '9a95a004dd16f5c307e849b994173f76aa26e5eb',
					timestamp: '1614767836',
					nonce: 'A7Co0cJLMzIDtMMI',
				},
				body: JSON.stringify({
					encrypt:
						'YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA==',
				}),
			}),
			status: 400,
			reason: 'timestamp must be 13-digit milliseconds',
		},
		{
			name: 'replayed nonce within the window',
			before: () => checkUrl,
			request: () => checkUrl,
			status: 409,
			reason: 'replay',
		},
		{
			name: "replay with the timestamp's last 3 digits moved to the nonce (signature intact)",
			before: () => shifted().original,
			request: () => shifted().replay,
			status: 400,
			reason: 'timestamp must be 13-digit milliseconds',
		},
		{
			name: "replay with the ciphertext's = padding moved to the nonce (signature intact)",
			before: () => movedPadding().original,
			request: () => movedPadding().replay,
			status: 400,
			reason: 'not canonical base64',
			decryption: true,
		},
		{
			name: 'same ciphertext re-signed with a new timestamp and nonce',
			before: () => resigned().original,
			request: () => resigned().replay,
			status: 409,
			reason: 'replay',
		},
		{
			name: 'plain robot callback replayed as is',
			before: plainOriginal,
			request: plainOriginal,
			status: 409,
			reason: 'replay',
		},
		// Encrypted event pushes: the ciphertext
		{
			name: 'wrong AES key',
			request: () => {
				const other = new DingTalkCallbackPusher({ ...app, callbackAesKey: otherKey });
				return other.encrypted(messageOf());
			},
			status: 400,
			reason: '',
			decryption: true,
		}, // which check fails first depends on the garbage the wrong key gives
		{
			name: 'wrong appKey (encrypted for another app)',
			request: () =>
				new DingTalkCallbackPusher({ ...app, clientId: 'dingotherapp0009' }).encrypted(messageOf()),
			status: 400,
			reason: 'AppKey mismatch',
			decryption: true,
		},
		{
			name: 'truncated ciphertext',
			request: () => {
				const encrypt = (JSON.parse(pusher.encrypted(messageOf()).body) as { encrypt: string })
					.encrypt;
				return signedCiphertext(encrypt.slice(0, -24));
			},
			status: 400,
			reason: 'multiple of the AES block',
			decryption: true,
		},
		{
			name: 'ciphertext truncated by whole AES blocks',
			request: () => {
				const encrypt = (JSON.parse(pusher.encrypted(messageOf()).body) as { encrypt: string })
					.encrypt;
				return signedCiphertext(Buffer.from(encrypt, 'base64').subarray(0, -16).toString('base64'));
			},
			status: 400,
			reason: 'bad padding',
			decryption: true,
		},
		{
			name: 'ciphertext is not base64',
			request: () => signedCiphertext('not*base64!!'),
			status: 400,
			reason: 'not canonical base64',
			decryption: true,
		},
		{
			name: 'ciphertext without its = padding',
			request: () => {
				let encrypt = '';
				for (let size = 1; !encrypt.endsWith('='); size++)
					encrypt = (
						JSON.parse(pusher.encrypted(null, { plaintext: 'x'.repeat(size) }).body) as {
							encrypt: string;
						}
					).encrypt;
				return signedCiphertext(encrypt.replace(/=+$/, ''));
			},
			status: 400,
			reason: 'not canonical base64',
			decryption: true,
		},
		{
			name: 'ciphertext not a whole number of AES blocks',
			request: () => signedCiphertext(randomBytes(20).toString('base64')),
			status: 400,
			reason: 'multiple of the AES block',
			decryption: true,
		},
		{
			name: 'bad padding',
			request: () => signedCiphertext(rawAes(Buffer.concat([randomBytes(31), Buffer.from([0])]))),
			status: 400,
			reason: 'bad padding',
			decryption: true,
		},
		{
			name: 'length field larger than the plaintext',
			request: () => {
				const plain = Buffer.alloc(64, 7); // random(16) | length | …, padded with seven 7s
				plain.writeUInt32BE(10_000, 16);
				return signedCiphertext(rawAes(plain));
			},
			status: 400,
			reason: 'length does not fit',
			decryption: true,
		},
		{
			name: 'plaintext is not JSON',
			request: () => pusher.encrypted(null, { plaintext: 'hello, not json' }),
			status: 400,
			reason: 'not JSON',
			decryption: true,
		},
		{
			name: 'plaintext is a JSON array',
			request: () => pusher.encrypted([messageOf()]),
			status: 400,
			reason: 'not a JSON object',
			decryption: true,
		},
		{
			name: 'event whose EventType is not an event type',
			request: () =>
				pusher.encrypted({
					EventType: 'user_add_org; <script>',
					UserId: ['eng0001'],
					CorpId: 'dingfakecorp0001',
					TimeStamp: Date.now(),
				}),
			status: 400,
			reason: 'unsupported event type',
		},
		{
			name: 'event whose EventType is an object',
			request: () => pusher.encrypted({ EventType: { toString: 1 }, UserId: ['eng0001'] }),
			status: 400,
			reason: 'unsupported event type',
		},
		{
			name: 'organisation event sent as a plain signed callback (events are always encrypted)',
			request: () => pusher.signed({ EventType: 'user_add_org', UserId: ['eng0001'] }),
			status: 400,
			reason: 'unsupported event type',
		},
		{
			name: 'empty event object',
			request: () => pusher.encrypted({}),
			status: 400,
			reason: 'unsupported event type',
		},
		{
			name: 'card callback without userId',
			request: () => pusher.encrypted({ outTrackId: 'card-no-user', spaceType: 'im', value: '{}' }),
			status: 400,
			reason: 'card callback without userId',
		},
		{
			name: 'robot message without msgId',
			request: () => pusher.encrypted({ ...messageOf(), msgId: undefined }),
			status: 400,
			reason: 'without msgId',
		},
		{
			name: 'encrypt is a number',
			request: () => signedCiphertext(12345),
			status: 400,
			reason: 'encrypt must be a non-empty string',
		},
		{
			name: 'encrypt is empty',
			request: () => signedCiphertext(''),
			status: 400,
			reason: 'encrypt must be a non-empty string',
		},
		// The HTTP envelope
		{
			name: 'oversized body (2 MB)',
			request: () => {
				const r = pusher.encrypted(messageOf());
				r.body = JSON.stringify({
					...(JSON.parse(r.body) as object),
					padding: 'x'.repeat(2 * 1024 * 1024),
				});
				return r;
			},
			status: 413,
			reason: 'too large',
		},
		{
			name: 'content type text/plain',
			request: () => ({
				...pusher.encrypted(messageOf()),
				headers: { 'content-type': 'text/plain' },
			}),
			status: 415,
			reason: 'application/json',
		},
		{
			name: 'content type form',
			request: () => ({
				...pusher.encrypted(messageOf()),
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: 'encrypt=abc',
			}),
			status: 415,
			reason: 'application/json',
		},
		{
			name: 'body is a JSON array',
			request: () => ({ ...pusher.encrypted(messageOf()), body: '[1,2,3]' }),
			status: 400,
			reason: 'not a JSON object',
		},
		{
			name: 'body is an empty object',
			request: () => ({ ...pusher.encrypted(messageOf()), body: '{}' }),
			status: 400,
			reason: 'not a JSON object',
		},
		{
			name: 'body is not JSON at all',
			request: () => ({ ...pusher.encrypted(messageOf()), body: '{"encrypt": ' }),
			status: 422,
			reason: 'parse',
			refusedByN8n: true,
		},
		// Plain robot callbacks (headers timestamp + sign)
		{
			name: 'unsigned robot callback',
			request: () =>
				withHeaders((h) => {
					delete h.sign;
					delete h.timestamp;
				}),
			status: 401,
			reason: 'missing timestamp or sign',
		},
		{
			name: 'robot callback without sign',
			request: () => withHeaders((h) => delete h.sign),
			status: 401,
			reason: 'missing timestamp or sign',
		},
		{
			name: 'robot callback without timestamp',
			request: () => withHeaders((h) => delete h.timestamp),
			status: 401,
			reason: 'missing timestamp or sign',
		},
		{
			name: 'robot callback signed with another secret',
			request: () => withHeaders((h) => (h.sign = robotSignature('another-secret', h.timestamp))),
			status: 401,
			reason: 'signature mismatch',
		},
		{
			name: 'robot callback sign for another timestamp',
			request: () => withHeaders((h) => (h.timestamp = String(Number(h.timestamp) - 1000))),
			status: 401,
			reason: 'signature mismatch',
		},
		{
			name: 'robot callback with stale timestamp',
			request: () => pusher.signed(messageOf(), { timestamp: stale }),
			status: 401,
			reason: 'timestamp too old',
		},
		{
			name: 'robot callback with future timestamp',
			request: () => pusher.signed(messageOf(), { timestamp: future }),
			status: 401,
			reason: 'timestamp in the future',
		},
		{
			name: 'robot callback with non-numeric timestamp',
			request: () => withHeaders((h) => (h.timestamp = '2026-11-25')),
			status: 400,
			reason: 'timestamp must be 13-digit milliseconds',
		},
		{
			name: 'signed callback of unknown shape',
			request: () => pusher.signed({ hello: 'world' }),
			status: 400,
			reason: 'unsupported event type',
		},
	];
}
