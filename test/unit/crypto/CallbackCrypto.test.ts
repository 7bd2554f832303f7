import nodeCrypto from 'crypto';

import {
	CallbackCrypto,
	CallbackCryptoError,
	decodeCiphertext,
	robotSignature,
	verifyRobotSignature,
} from '../../../nodes/DingTalk/crypto/CallbackCrypto';
import { itStaysLinear, MB, STAYS_LINEAR } from '../support/linearTime';

/** Public vectors V1–V4 from ../shared/dingtalk-protocol.md §3.3 (official docs and DingTalk's crypto libraries). */
const vectors = [
	{
		name: 'V1 official FAQ',
		token: '123456',
		aesKey: '1234567890123456789012345678901234567890123',
		ownerKey: 'dingsnotzck6pm5veliw',
		signature: '9a95a004dd16f5c307e849b994173f76aa26e5eb',
		timestamp: '1614767836',
		nonce: 'A7Co0cJLMzIDtMMI',
		encrypt:
			'YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA==',
		plaintext: 'success',
		random: 'dICkEDLj0eb6yAbc',
	},
	{
		name: 'V2 DingCallbackCrypto3.py',
		token: 'mryue',
		aesKey: 'Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7',
		ownerKey: 'ding6ccabc44d2c8d38b',
		signature: '03044561471240d4a14bb09372dfcfd4fd0e40cb',
		timestamp: '1608001896814',
		nonce: 'WL4PK6yA',
		encrypt:
			'0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3',
		plaintext: '{"EventType":"check_url"}',
		random: 'l7Y3EcX2CU5w8av3',
	},
	{
		name: 'V3 DingTalkCrypto.go',
		token: 'tokenxxxx',
		aesKey: 'o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus',
		ownerKey: 'dingxxxxxx',
		signature: 'f36f4ba5337d426c7d4bca0dbcb06b3ddc1388fc',
		timestamp: '1605695694141',
		nonce: 'WelUQl6bCqcBa2fM',
		encrypt:
			'X1VSe9cTJUMZu60d3kyLYTrBq5578ZRJtteU94wG0Q4Uk6E/wQYeJRIC0/UFW5Wkya1Ihz9oXAdLlyC9TRaqsQ==',
		plaintext: 'success',
		random: 'WelUQl6bCqcBa2fM',
	},
	{
		name: 'V4 dingtalk_callback_crypto.rs',
		token: '123456',
		aesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
		ownerKey: 'suite4xxxxxxxxxxxxxxx',
		signature: '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
		timestamp: '1445827045067',
		nonce: 'nEXhMP4r',
		encrypt:
			'1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==',
		plaintext:
			'{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
		random: 'hU3bEfGZZewzhG5a',
	},
];

describe.each(vectors)('CallbackCrypto with $name', (v) => {
	const crypto = new CallbackCrypto(v.token, v.aesKey, v.ownerKey);
	it('computes and verifies the signature', () => {
		expect(crypto.signature(v.timestamp, v.nonce, v.encrypt)).toBe(v.signature);
		expect(crypto.verifySignature(v.signature, v.timestamp, v.nonce, v.encrypt)).toBe(true);
		expect(
			crypto.verifySignature(
				v.signature.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
				v.timestamp,
				v.nonce,
				v.encrypt,
			),
		).toBe(false);
	});
	it('decrypts to the plaintext', () => {
		expect(crypto.decrypt(v.encrypt)).toBe(v.plaintext);
	});
	it('re-encrypts to the same ciphertext with the recorded random prefix', () => {
		expect(crypto.encrypt(v.plaintext, Buffer.from(v.random))).toBe(v.encrypt);
	});
});

describe('CallbackCrypto refusals', () => {
	const v = vectors[0];
	const crypto = new CallbackCrypto(v.token, v.aesKey, v.ownerKey);
	const code = (f: () => unknown) => {
		try {
			f();
		} catch (error) {
			return (error as CallbackCryptoError).code;
		}
		return 'no error';
	};
	it('refuses a malformed AES key with its length', () => {
		expect(() => new CallbackCrypto('t', 'short', 'k')).toThrow(
			/exactly 43 characters; this one has 5/,
		);
	});
	it('refuses a wrong AES key, a wrong app, non-base64, truncated ciphertext', () => {
		const otherKey = new CallbackCrypto(
			v.token,
			'o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus',
			v.ownerKey,
		);
		expect(code(() => otherKey.decrypt(v.encrypt))).toMatch(
			/decryptFailed|lengthMismatch|ownerKeyMismatch/,
		);
		expect(
			code(() => new CallbackCrypto(v.token, v.aesKey, 'dingotherapp').decrypt(v.encrypt)),
		).toBe('ownerKeyMismatch');
		expect(code(() => crypto.decrypt('not base64!!'))).toBe('decryptFailed');
		expect(code(() => crypto.decrypt(v.encrypt.slice(0, 20)))).toBe('decryptFailed');
		expect(code(() => crypto.decrypt(''))).toBe('decryptFailed');
	});
	it('takes base64 in its canonical form only (padding moved away, stray bits or spaces are refused)', () => {
		expect(code(() => crypto.decrypt(v.encrypt.replace(/=+$/, '')))).toBe('decryptFailed');
		expect(code(() => crypto.decrypt(`${v.encrypt.slice(0, -3)}B==`))).toBe('decryptFailed');
		expect(code(() => crypto.decrypt(` ${v.encrypt}`))).toBe('decryptFailed');
		expect(crypto.decrypt(v.encrypt)).toBe(v.plaintext);
	});
	it('answers with an encrypted, signed "success" DingTalk can verify', () => {
		const answer = crypto.encryptedSuccess('1700000000000', 'abcdefgh');
		expect(
			crypto.verifySignature(answer.msg_signature, answer.timeStamp, answer.nonce, answer.encrypt),
		).toBe(true);
		expect(crypto.decrypt(answer.encrypt)).toBe('success');
	});
});

describe('robot HTTP-mode signature', () => {
	it('matches the fixture and verifies', () => {
		expect(robotSignature('this is secret', '1700000000000')).toBe(
			'sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0=',
		);
		expect(
			verifyRobotSignature(
				'this is secret',
				'1700000000000',
				'sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0=',
			),
		).toBe(true);
		expect(
			verifyRobotSignature(
				'this is secret',
				'1700000000001',
				'sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0=',
			),
		).toBe(false);
		expect(verifyRobotSignature('this is secret', '1700000000000', '')).toBe(false);
	});
});

describe('signature checks compare in constant time', () => {
	const crypto = new CallbackCrypto('token', vectors[0].aesKey, 'dingapp');
	const checks: Array<[name: string, expected: string, verify: (given: string) => boolean]> = [
		[
			'callback msg_signature (SHA-1, hex)',
			crypto.signature('1700000000', 'nonce', 'ZW5jcnlwdA=='),
			(given) => crypto.verifySignature(given, '1700000000', 'nonce', 'ZW5jcnlwdA=='),
		],
		[
			'robot sign (HmacSHA256, base64)',
			robotSignature('this is secret', '1700000000000'),
			(given) => verifyRobotSignature('this is secret', '1700000000000', given),
		],
	];
	afterEach(() => jest.restoreAllMocks());

	it.each(checks)(
		'%s: every length of signature; the bytes are compared only by crypto.timingSafeEqual, on equal lengths',
		(_name, expected, verify) => {
			const timingSafeEqual = jest.spyOn(nodeCrypto, 'timingSafeEqual');
			for (let length = 0; length <= 2 * expected.length; length++) {
				// The right signature's first characters, then a wrong last one (at the right length: one character off).
				const given =
					length === 0 ? '' : `${expected}${'0'.repeat(length)}`.slice(0, length - 1) + 'Z';
				timingSafeEqual.mockClear();
				expect(verify(given)).toBe(false);
				if (given.length === expected.length) {
					expect(timingSafeEqual).toHaveBeenCalledTimes(1);
					const [a, b] = timingSafeEqual.mock.calls[0] as [Buffer, Buffer];
					expect([a.length, b.length]).toEqual([expected.length, expected.length]);
				} else expect(timingSafeEqual).not.toHaveBeenCalled();
			}
			// The right signature is accepted by that same comparison.
			timingSafeEqual.mockClear();
			expect(verify(expected)).toBe(true);
			expect(timingSafeEqual).toHaveBeenCalledTimes(1);
			expect(timingSafeEqual.mock.results[0]).toEqual({ type: 'return', value: true });
		},
	);
});

describe(STAYS_LINEAR, () => {
	const crypto = new CallbackCrypto(
		'token',
		'1234567890123456789012345678901234567890123',
		'dingapp',
	);
	const decrypt = (text: string) => () => {
		try {
			crypto.decrypt(text);
		} catch {
			// refused: what counts is how long the check took
		}
	};
	itStaysLinear([
		['encrypted callback: base64 then a bad character', decrypt(`${'A'.repeat(MB)}!`)],
		['encrypted callback: base64 then too many "="', decrypt(`${'A'.repeat(MB)}===`)],
	]);
});

describe('CallbackCrypto edges (each names the refusal the admin log gets)', () => {
	const aesKey = vectors[0].aesKey;
	const ownerKey = vectors[0].ownerKey;
	/** AES-256-CBC as DingTalk uses it (key = the decoded AES key, IV = its first 16 bytes), PKCS#7 to 32-byte blocks. */
	const encryptRaw = (plain: Buffer): string => {
		const key = Buffer.from(`${aesKey}=`, 'base64');
		const pad = 32 - (plain.length % 32);
		const cipher = nodeCrypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
		cipher.setAutoPadding(false);
		const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
		return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
	};
	const codeOf = (work: () => unknown): string | undefined => {
		try {
			work();
		} catch (error) {
			return error instanceof CallbackCryptoError
				? error.code
				: `not a CallbackCryptoError: ${error}`;
		}
		return undefined;
	};

	it('reads a 20-byte plaintext by its length field: 0 is an empty message (for another app without the AppKey), more is a bad length', () => {
		const crypto = new CallbackCrypto('token', aesKey, ownerKey);
		const plain = Buffer.concat([Buffer.alloc(16, 7), Buffer.from([0, 0, 0, 0])]);
		expect(codeOf(() => crypto.decrypt(encryptRaw(plain)))).toBe('ownerKeyMismatch');
		// A 20-byte plaintext whose length field promises more than it holds is a bad length.
		const promising = Buffer.concat([Buffer.alloc(16, 7), Buffer.from([0, 0, 0, 5])]);
		expect(codeOf(() => crypto.decrypt(encryptRaw(promising)))).toBe('lengthMismatch');
		const withOwner = Buffer.concat([plain, Buffer.from(ownerKey, 'utf8')]);
		expect(crypto.decrypt(encryptRaw(withOwner))).toBe('');
	});

	it('refuses an empty encrypt as not canonical base64 before any AES work', () => {
		expect(() => decodeCiphertext('')).toThrow('encrypt is not canonical base64');
	});

	it('refuses an encrypt that is not a string with its own error, not a TypeError', () => {
		expect(codeOf(() => decodeCiphertext(42 as unknown as string))).toBe('decryptFailed');
		expect(codeOf(() => decodeCiphertext({ length: 1 } as unknown as string))).toBe(
			'decryptFailed',
		);
	});
});
