/**
 * A URL without its trailing slashes. A loop, not `/\/+$/`: that pattern retries from every slash of a long run that
 * does not end the text, quadratic in an admin-typed URL.
 */
export function withoutTrailingSlashes(url: string): string {
	let end = url.length;
	while (end > 0 && url.charCodeAt(end - 1) === 0x2f) end--;
	return url.slice(0, end);
}
