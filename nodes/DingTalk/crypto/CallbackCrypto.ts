import {
	createCipheriv,
	createDecipheriv,
	createHash,
	createHmac,
	randomBytes,
	timingSafeEqual,
} from 'crypto';

import { describeAesKeyProblem } from './aesKey';

/** Why a callback was refused; codes follow DingTalk's own crypto library (900004 …). */
export class CallbackCryptoError extends Error {
	constructor(
		readonly code:
			| 'invalidAesKey'
			| 'signatureMismatch'
			| 'decryptFailed'
			| 'lengthMismatch'
			| 'ownerKeyMismatch',
		message: string,
	) {
		super(message);
		this.name = 'CallbackCryptoError';
	}
}

/** DingTalk pads to 32-byte blocks (not AES's 16) with PKCS#7-style bytes 1..32. */
const BLOCK = 32;

/**
 * DingTalk's encrypted event callbacks (AES-256-CBC, key and IV from the 43-character AES key, SHA-1 signature over
 * the sorted token / timestamp / nonce / ciphertext), both directions: decrypt and verify what DingTalk sends, and
 * encrypt and sign the "success" answer it expects. The layout is random(16) | uint32 length | message | ownerKey,
 * where ownerKey is the app's AppKey (Client ID) for callbacks configured in the Developer Console.
 */
export class CallbackCrypto {
	private readonly key: Buffer;
	private readonly iv: Buffer;
	private readonly ownerKeyBytes: Buffer;

	constructor(
		private readonly token: string,
		aesKey: string,
		private readonly ownerKey: string,
	) {
		const problem = describeAesKeyProblem(aesKey);
		if (problem) throw new CallbackCryptoError('invalidAesKey', problem);
		this.key = Buffer.from(`${aesKey}=`, 'base64');
		if (this.key.length !== 32)
			throw new CallbackCryptoError(
				'invalidAesKey',
				'Callback AES Key does not decode to 32 bytes',
			);
		this.iv = this.key.subarray(0, 16);
		this.ownerKeyBytes = Buffer.from(ownerKey, 'utf8');
	}

	signature(timestamp: string, nonce: string, encrypt: string): string {
		return createHash('sha1')
			.update([this.token, timestamp, nonce, encrypt].sort().join(''))
			.digest('hex');
	}

	/** Constant-time comparison of the signature DingTalk sent with the one we compute. */
	verifySignature(signature: string, timestamp: string, nonce: string, encrypt: string): boolean {
		const expected = Buffer.from(this.signature(timestamp, nonce, encrypt), 'utf8');
		const given = Buffer.from(String(signature).toLowerCase(), 'utf8');
		return given.length === expected.length && timingSafeEqual(given, expected);
	}

	/** `random` is the 16-byte prefix (DingTalk's libraries use 16 ASCII letters/digits); tests pass the vectors' own. */
	encrypt(
		message: string,
		random: Buffer = Buffer.from(randomBytes(8).toString('hex'), 'utf8'),
	): string {
		const body = Buffer.from(message, 'utf8');
		const length = Buffer.alloc(4);
		length.writeUInt32BE(body.length, 0);
		const plain = Buffer.concat([
			random.subarray(0, 16),
			length,
			body,
			Buffer.from(this.ownerKey, 'utf8'),
		]);
		const pad = BLOCK - (plain.length % BLOCK);
		const cipher = createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
		return Buffer.concat([
			cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
			cipher.final(),
		]).toString('base64');
	}

	decrypt(encrypt: string): string {
		return this.decryptCiphertext(decodeCiphertext(encrypt));
	}

	/**
	 * Decrypts ciphertext bytes (see decodeCiphertext). Padding, length field and AppKey are all checked before any of
	 * them is reported, and the AppKey is compared in constant time, so every failure after AES costs the same work:
	 * callers answer them all alike, and the code only says which one it was for the admin's log.
	 */
	decryptCiphertext(data: Buffer): string {
		const plain = this.aesDecrypt(data);
		if (!plain) throw new CallbackCryptoError('decryptFailed', 'AES decryption failed');
		const pad = plain[plain.length - 1];
		let padOk = pad >= 1 && pad <= BLOCK && pad <= plain.length;
		for (let i = 1; i <= Math.min(BLOCK, plain.length); i++)
			padOk = padOk && (i > pad || plain[plain.length - i] === pad);
		const content = plain.subarray(0, padOk ? plain.length - pad : plain.length);
		const length = content.length >= 20 ? content.readUInt32BE(16) : 0;
		const lengthOk = content.length >= 20 && 20 + length <= content.length;
		const owner = content.subarray(lengthOk ? 20 + length : content.length);
		const ownerOk =
			owner.length === this.ownerKeyBytes.length && timingSafeEqual(owner, this.ownerKeyBytes);
		if (!padOk) throw new CallbackCryptoError('decryptFailed', 'bad padding (wrong AES key?)');
		if (!lengthOk)
			throw new CallbackCryptoError('lengthMismatch', 'message length does not fit the plaintext');
		if (!ownerOk)
			throw new CallbackCryptoError(
				'ownerKeyMismatch',
				'the callback was encrypted for another app (AppKey mismatch)',
			);
		return content.subarray(20, 20 + length).toString('utf8');
	}

	private aesDecrypt(data: Buffer): Buffer | undefined {
		try {
			const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
			return Buffer.concat([decipher.update(data), decipher.final()]);
		} catch {
			return undefined;
		}
	}

	/** The encrypted "success" answer DingTalk requires (camel-case timeStamp, as its libraries send it). */
	encryptedSuccess(timestamp = String(Date.now()), nonce = randomBytes(8).toString('hex')) {
		const encrypt = this.encrypt('success');
		return {
			msg_signature: this.signature(timestamp, nonce, encrypt),
			timeStamp: timestamp,
			nonce,
			encrypt,
		};
	}
}

/**
 * The ciphertext bytes of `encrypt`, which must be base64 in its one canonical form (padded, no stray bits), as
 * DingTalk's libraries write it. Node's decoder also takes unpadded or sloppy base64, and the signature covers the
 * string, not the bytes: without this, `=` padding moved from the ciphertext to the nonce keeps a valid signature.
 */
export function decodeCiphertext(encrypt: string): Buffer {
	const data = typeof encrypt === 'string' ? Buffer.from(encrypt, 'base64') : Buffer.alloc(0);
	if (data.length === 0 || data.toString('base64') !== encrypt)
		throw new CallbackCryptoError('decryptFailed', 'encrypt is not canonical base64');
	if (data.length % 16 !== 0)
		throw new CallbackCryptoError(
			'decryptFailed',
			'ciphertext length is not a multiple of the AES block',
		);
	return data;
}

/** Robot HTTP-mode signature: base64(HmacSHA256(key = appSecret, timestamp + "\n" + appSecret)). */
export function robotSignature(appSecret: string, timestamp: string): string {
	return createHmac('sha256', appSecret)
		.update(`${timestamp}\n${appSecret}`, 'utf8')
		.digest('base64');
}

export function verifyRobotSignature(appSecret: string, timestamp: string, sign: string): boolean {
	const expected = Buffer.from(robotSignature(appSecret, timestamp), 'utf8');
	const given = Buffer.from(String(sign ?? ''), 'utf8');
	return given.length === expected.length && timingSafeEqual(given, expected);
}
