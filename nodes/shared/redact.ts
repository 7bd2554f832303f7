/** Secrets shorter than this are not searched for: masking a 1–3 character string would garble every text. */
const MIN_SECRET_LENGTH = 4;

/**
 * The forms a secret takes when a server echoes what it was sent: raw, percent-encoded as a path or query component
 * (encodeURIComponent), as an HTML form or URLSearchParams writes a query (space as `+`), as axios writes query
 * parameters (`: $ , [ ]` left as they are, space as `+`), as encodeURI leaves it, and each with lower-case hex.
 */
function encodedForms(secret: string): Set<string> {
	const component = encodeURIComponent(secret);
	const forms = [
		secret,
		component,
		new URLSearchParams({ s: secret }).toString().slice(2),
		component
			.replace(/%3A/g, ':')
			.replace(/%24/g, '$')
			.replace(/%2C/g, ',')
			.replace(/%20/g, '+')
			.replace(/%5B/g, '[')
			.replace(/%5D/g, ']'),
		encodeURI(secret),
	];
	const lowerHex = forms.map((form) => form.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
	return new Set([...forms, ...lowerHex]);
}

/** Replaces every known secret in a text meant for an error (servers may echo what they were sent), in its raw and URL-encoded forms. */
export function redactSecrets(text: string, secrets: Array<string | undefined | null>): string {
	let out = text;
	for (const secret of secrets) {
		if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
		// Longest first, so a form that contains another is masked whole.
		const forms = [...encodedForms(secret)].sort((a, b) => b.length - a.length);
		for (const form of forms) out = out.split(form).join('***');
	}
	return out;
}
