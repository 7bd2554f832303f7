import { AccessTokenCache } from '../../../nodes/DingTalk/transport/tokenCache';

describe('AccessTokenCache', () => {
	it('reuses a token until 5 minutes before expiry, then fetches again', async () => {
		let now = 0;
		const cache = new AccessTokenCache(() => now);
		let issued = 0;
		const fetch = async () => ({ token: `t${++issued}`, expiresInSeconds: 7200 });
		expect(await cache.get('k', fetch)).toBe('t1');
		now = 6_899_000;
		expect(await cache.get('k', fetch)).toBe('t1');
		now = 6_900_001;
		expect(await cache.get('k', fetch)).toBe('t2');
	});
	it('makes concurrent callers share one fetch, and lets a failed fetch be retried', async () => {
		const cache = new AccessTokenCache();
		let calls = 0;
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const fetch = async () => {
			calls++;
			await gate;
			return { token: 'shared', expiresInSeconds: 7200 };
		};
		const all = Promise.all(Array.from({ length: 100 }, async () => await cache.get('k', fetch)));
		release();
		expect(new Set(await all)).toEqual(new Set(['shared']));
		expect(calls).toBe(1);
		const failing = new AccessTokenCache();
		await expect(
			failing.get('k', async () => await Promise.reject(new Error('down'))),
		).rejects.toThrow('down');
		expect(await failing.get('k', fetch)).toBe('shared');
	});
	it('invalidates only the token that failed', async () => {
		const cache = new AccessTokenCache();
		await cache.get('k', async () => ({ token: 'new', expiresInSeconds: 7200 }));
		cache.invalidate('k', 'old');
		expect(await cache.get('k', async () => ({ token: 'other', expiresInSeconds: 7200 }))).toBe(
			'new',
		);
		cache.invalidate('k', 'new');
		expect(await cache.get('k', async () => ({ token: 'other', expiresInSeconds: 7200 }))).toBe(
			'other',
		);
	});
	it('keys by base URL, app and secret', () => {
		const baseUrls = ['https://api.dingtalk.com', 'http://127.0.0.1:4100'];
		const clientIds = ['dingapp1', 'dingapp2'];
		const secrets = ['secret-one', 'secret-two'];
		const keys = baseUrls.flatMap((url) =>
			clientIds.flatMap((id) => secrets.map((secret) => AccessTokenCache.keyFor(url, id, secret))),
		);
		// Any one of the three changed gives another key: 8 combinations, 8 keys.
		expect(new Set(keys).size).toBe(8);
		// The same three give the same key (a token is reused), and the key never holds the secret.
		expect(AccessTokenCache.keyFor(baseUrls[0], clientIds[0], secrets[0])).toBe(keys[0]);
		for (const key of keys) for (const secret of secrets) expect(key).not.toContain(secret);
	});
});
