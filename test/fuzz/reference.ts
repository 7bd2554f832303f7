/**
 * An independent reference of DingTalk's callback crypto, written from dingtalk-protocol.md §3 (not from the
 * package's code), checked on the document's vectors V1–V4. The fuzz oracle judges the package against this.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'crypto';

/** §3.2: sha1 hex of the four strings sorted lexicographically and concatenated. */
export function refSignature(
	token: string,
	timestamp: string,
	nonce: string,
	encrypt: string,
): string {
	const parts = [token, timestamp, nonce, encrypt];
	parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return createHash('sha1').update(parts.join(''), 'utf8').digest('hex');
}

/** §3.1: base64(HmacSHA256(key = appSecret, timestamp + "\n" + appSecret)). */
export function refRobotSign(appSecret: string, timestamp: string): string {
	return createHmac('sha256', Buffer.from(appSecret, 'utf8'))
		.update(Buffer.from(`${timestamp}\n${appSecret}`, 'utf8'))
		.digest('base64');
}

function keyOf(aesKey: string): Buffer {
	const key = Buffer.from(`${aesKey}=`, 'base64');
	if (!/^[A-Za-z0-9]{43}$/.test(aesKey) || key.length !== 32)
		throw new Error('reference: bad AES key');
	return key;
}

/** §3.2: random(16) | uint32BE length | message | ownerKey, padded to 32-byte blocks with bytes n (1..32). */
export function refEncrypt(
	aesKey: string,
	message: string,
	ownerKey: string,
	random: Buffer,
): string {
	const key = keyOf(aesKey);
	const msg = Buffer.from(message, 'utf8');
	const len = Buffer.from([
		(msg.length >>> 24) & 255,
		(msg.length >>> 16) & 255,
		(msg.length >>> 8) & 255,
		msg.length & 255,
	]);
	const plain = Buffer.concat([random, len, msg, Buffer.from(ownerKey, 'utf8')]);
	const n = 32 - (plain.length % 32);
	const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
	cipher.setAutoPadding(false);
	return Buffer.concat([
		cipher.update(Buffer.concat([plain, Buffer.alloc(n, n)])),
		cipher.final(),
	]).toString('base64');
}

/** Strict base64 (canonical padding); anything else DingTalk never sends. */
export function refBase64(text: string): Buffer | undefined {
	if (
		!/^[A-Za-z0-9+/]*$/.test(text.replace(/={1,2}$/, '')) ||
		text.length % 4 !== 0 ||
		text.length === 0
	)
		return undefined;
	const bytes = Buffer.from(text, 'base64');
	return bytes.toString('base64') === text ? bytes : undefined;
}

/** The plaintext message and owner of a ciphertext, or undefined for any failure. */
export function refDecrypt(
	aesKey: string,
	encrypt: string,
): { message: Buffer; owner: string; ciphertext: Buffer } | undefined {
	const key = keyOf(aesKey);
	const data = refBase64(encrypt);
	if (!data || data.length % 32 !== 0) return undefined;
	const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
	decipher.setAutoPadding(false);
	const plain = Buffer.concat([decipher.update(data), decipher.final()]);
	const n = plain[plain.length - 1];
	if (n < 1 || n > 32) return undefined;
	for (let i = plain.length - n; i < plain.length; i++) if (plain[i] !== n) return undefined;
	const body = plain.subarray(0, plain.length - n);
	if (body.length < 20) return undefined;
	const length = body.readUInt32BE(16);
	if (20 + length > body.length) return undefined;
	return {
		message: body.subarray(20, 20 + length),
		owner: body.subarray(20 + length).toString('utf8'),
		ciphertext: data,
	};
}

/** §3.3's vectors; `checkReference` proves the reference right before it judges anything. */
export const VECTORS = [
	{
		name: 'V1',
		token: '123456',
		aesKey: '1234567890123456789012345678901234567890123',
		owner: 'dingsnotzck6pm5veliw',
		signature: '9a95a004dd16f5c307e849b994173f76aa26e5eb',
		timestamp: '1614767836',
		nonce: 'A7Co0cJLMzIDtMMI',
		encrypt:
			'YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA==',
		plain: 'success',
		random: 'dICkEDLj0eb6yAbc',
	},
	{
		name: 'V2',
		token: 'mryue',
		aesKey: 'Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7',
		owner: 'ding6ccabc44d2c8d38b',
		signature: '03044561471240d4a14bb09372dfcfd4fd0e40cb',
		timestamp: '1608001896814',
		nonce: 'WL4PK6yA',
		encrypt:
			'0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3',
		plain: '{"EventType":"check_url"}',
		random: 'l7Y3EcX2CU5w8av3',
	},
	{
		name: 'V3',
		token: 'tokenxxxx',
		aesKey: 'o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus',
		owner: 'dingxxxxxx',
		signature: 'f36f4ba5337d426c7d4bca0dbcb06b3ddc1388fc',
		timestamp: '1605695694141',
		nonce: 'WelUQl6bCqcBa2fM',
		encrypt:
			'X1VSe9cTJUMZu60d3kyLYTrBq5578ZRJtteU94wG0Q4Uk6E/wQYeJRIC0/UFW5Wkya1Ihz9oXAdLlyC9TRaqsQ==',
		plain: 'success',
		random: 'WelUQl6bCqcBa2fM',
	},
	{
		name: 'V4',
		token: '123456',
		aesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
		owner: 'suite4xxxxxxxxxxxxxxx',
		signature: '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
		timestamp: '1445827045067',
		nonce: 'nEXhMP4r',
		encrypt:
			'1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==',
		plain:
			'{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
		random: 'hU3bEfGZZewzhG5a',
	},
];

/** Throws unless the reference reproduces every vector (signature, decryption, re-encryption) and §3.1's fixture. */
export function checkReference(): void {
	for (const v of VECTORS) {
		if (refSignature(v.token, v.timestamp, v.nonce, v.encrypt) !== v.signature)
			throw new Error(`reference signature fails ${v.name}`);
		const plain = refDecrypt(v.aesKey, v.encrypt);
		if (!plain || plain.message.toString('utf8') !== v.plain || plain.owner !== v.owner)
			throw new Error(`reference decryption fails ${v.name}`);
		if (refEncrypt(v.aesKey, v.plain, v.owner, Buffer.from(v.random, 'utf8')) !== v.encrypt)
			throw new Error(`reference encryption fails ${v.name}`);
	}
	if (
		refRobotSign('this is secret', '1700000000000') !==
		'sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0='
	)
		throw new Error('reference robot signature fails §3.1');
}
