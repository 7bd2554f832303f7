/**
 * DingTalk's callback AES key is 43 characters of [A-Za-z0-9] that base64-decode (with one "=") to 32 bytes.
 * Returns what is wrong with a key in words an admin can act on, or undefined when it is usable.
 */
export function describeAesKeyProblem(aesKey: string | undefined): string | undefined {
	const key = (aesKey ?? '').trim();
	if (!key)
		return 'Callback AES Key is empty. Copy aes_key from Developer Console → your app → Event Subscription.';
	if (key.length !== 43) {
		return `Callback AES Key must be exactly 43 characters; this one has ${key.length}. Copy aes_key again from Developer Console → your app → Event Subscription.`;
	}
	if (!/^[A-Za-z0-9]+$/.test(key)) return 'Callback AES Key may contain only letters and digits.';
	return undefined;
}
