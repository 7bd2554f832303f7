/** Secrets shorter than this are not searched for: masking a 1–3 character string would garble every text. */
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every known secret in a text meant for an error (servers may echo what they were sent), in its raw and
 * URL-encoded forms.
 */
export function redactSecrets(text: string, secrets: Array<string | undefined | null>): string {
	let out = text;
	for (const secret of secrets) {
		if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
		for (const form of new Set([secret, encodeURIComponent(secret)]))
			out = out.split(form).join('***');
	}
	return out;
}
