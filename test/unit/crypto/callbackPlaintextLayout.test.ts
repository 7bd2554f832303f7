/**
 * The decrypted layout DingTalk uses — random(16) | uint32 length | message | ownerKey | padding of n bytes n (1..32) —
 * is checked field by field: plaintexts are sealed here directly with AES-256-CBC (no padding of its own), so each
 * case can break exactly one field and see which refusal the admin's log would get.
 */
import { createCipheriv } from 'crypto';

import { CallbackCrypto, CallbackCryptoError } from '../../../nodes/DingTalk/crypto/CallbackCrypto';

const AES_KEY = '1234567890123456789012345678901234567890123';
const OWNER = 'dingsnotzck6pm5veliw';
const KEY = Buffer.from(`${AES_KEY}=`, 'base64');
const crypto = new CallbackCrypto('token', AES_KEY, OWNER);

/** AES-256-CBC of `plain` (a multiple of 16 bytes) under the callback key, IV = first 16 key bytes, as base64. */
function seal(plain: Buffer): string {
	const cipher = createCipheriv('aes-256-cbc', KEY, KEY.subarray(0, 16)).setAutoPadding(false);
	return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

function layout(message: string, options: { length?: number; owner?: string } = {}): Buffer {
	const body = Buffer.from(message, 'utf8');
	const length = Buffer.alloc(4);
	length.writeUInt32BE(options.length ?? body.length, 0);
	return Buffer.concat([
		Buffer.from('0123456789abcdef'),
		length,
		body,
		Buffer.from(options.owner ?? OWNER),
	]);
}

const padded = (plain: Buffer, pad: number, fill = pad) =>
	Buffer.concat([plain, Buffer.alloc(pad, fill)]);

/** A message whose layout needs exactly `pad` padding bytes to reach a 32-byte boundary. */
function messageNeedingPad(pad: number): string {
	const fixed = 16 + 4 + OWNER.length;
	let length = 0;
	while ((fixed + length + pad) % 32 !== 0) length++;
	return 'm'.repeat(length);
}

function refusal(encrypt: string): string {
	try {
		crypto.decrypt(encrypt);
	} catch (error) {
		return (error as CallbackCryptoError).code;
	}
	return 'accepted';
}

describe('callback plaintext layout', () => {
	it.each([1, 2, 16, 31, 32])('takes padding of %i bytes', (pad) => {
		const message = messageNeedingPad(pad);
		expect(crypto.decrypt(seal(padded(layout(message), pad)))).toBe(message);
	});

	it('refuses padding whose first byte differs from the others, for every padding length', () => {
		for (const pad of [2, 16, 31, 32]) {
			const plain = padded(layout(messageNeedingPad(pad)), pad);
			plain[plain.length - pad] = pad + 1;
			expect([pad, refusal(seal(plain))]).toEqual([pad, 'decryptFailed']);
		}
	});

	it('refuses a padding byte of 0 or above 32', () => {
		const zero = padded(layout(messageNeedingPad(32)), 32, 0);
		expect(refusal(seal(zero))).toBe('decryptFailed');
		const plain = layout(messageNeedingPad(32));
		const tooLong = Buffer.concat([plain.subarray(0, plain.length - 1), Buffer.alloc(33, 33)]);
		expect(tooLong.length % 32).toBe(0);
		expect(refusal(seal(tooLong))).toBe('decryptFailed');
	});

	it('refuses padding longer than the plaintext (one 16-byte block of byte 20)', () => {
		expect(refusal(seal(Buffer.alloc(16, 20)))).toBe('decryptFailed');
	});

	it('refuses a length field that reaches past the end, and names it', () => {
		const message = messageNeedingPad(8);
		const tooLong = message.length + OWNER.length + 1;
		expect(refusal(seal(padded(layout(message, { length: tooLong }), 8)))).toBe('lengthMismatch');
	});

	it('reads a length field that ends exactly where the plaintext ends as a message with no AppKey', () => {
		const message = messageNeedingPad(8);
		const wholeRest = message.length + OWNER.length;
		expect(refusal(seal(padded(layout(message, { length: wholeRest }), 8)))).toBe(
			'ownerKeyMismatch',
		);
	});

	it('refuses a plaintext too short for the random prefix and the length field, and reads one just long enough', () => {
		// 19 bytes before padding: the length field would need bytes 16..19.
		const plain = padded(Buffer.alloc(19, 65), 13);
		expect(refusal(seal(plain))).toBe('lengthMismatch');
		// Exactly 20 bytes: an empty message and no AppKey at all.
		expect(refusal(seal(padded(layout('', { owner: '' }), 12)))).toBe('ownerKeyMismatch');
	});

	it('refuses an AppKey that only starts like this app’s, or that this app’s only starts like', () => {
		const longer = layout('hi', { owner: `${OWNER}x` });
		expect(refusal(seal(padded(longer, 32 - (longer.length % 32))))).toBe('ownerKeyMismatch');
		const shorter = layout('hi', { owner: OWNER.slice(0, -1) });
		expect(refusal(seal(padded(shorter, 32 - (shorter.length % 32))))).toBe('ownerKeyMismatch');
	});

	it('takes an empty message', () => {
		const plain = layout('');
		expect(crypto.decrypt(seal(padded(plain, 32 - (plain.length % 32))))).toBe('');
	});
});

describe('callback signature comparison', () => {
	it('takes the signature in upper-case hex too, and refuses one of another length without throwing', () => {
		const signature = crypto.signature('1700000000000', 'nonce', 'encrypted');
		expect(
			crypto.verifySignature(signature.toUpperCase(), '1700000000000', 'nonce', 'encrypted'),
		).toBe(true);
		expect(crypto.verifySignature(`${signature}0`, '1700000000000', 'nonce', 'encrypted')).toBe(
			false,
		);
		expect(crypto.verifySignature(signature.slice(1), '1700000000000', 'nonce', 'encrypted')).toBe(
			false,
		);
	});
});
