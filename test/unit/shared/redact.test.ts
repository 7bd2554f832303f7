import { redactSecrets } from '../../../nodes/shared/redact';

describe('redactSecrets', () => {
	// What a server echoing a request back writes: the secret as it travelled, in query encoding.
	const secret = 'pa ss:wo$rd,[1]';
	const echoes = [
		['as sent', secret],
		['encodeURIComponent', encodeURIComponent(secret)],
		[
			'an HTML form / URLSearchParams query (space as +)',
			new URLSearchParams({ s: secret }).toString().slice(2),
		],
		['an axios query (: $ , [ ] kept, space as +)', 'pa+ss:wo$rd,[1]'],
		['encodeURI', encodeURI(secret)],
		[
			'lower-case percent hex',
			encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
		],
	];

	it.each(echoes)('masks a secret with a space, ":", "$" and "," echoed %s', (_how, echoed) => {
		const text = `request failed: GET /x?appsecret=${echoed}&y=1`;
		const redacted = redactSecrets(text, [secret]);
		expect(redacted).toBe('request failed: GET /x?appsecret=***&y=1');
	});

	it('leaves short secrets and texts without the secret alone', () => {
		expect(redactSecrets('a b c', ['a b'])).toBe('a b c');
		expect(redactSecrets('nothing here', [secret, undefined, null])).toBe('nothing here');
	});
});
