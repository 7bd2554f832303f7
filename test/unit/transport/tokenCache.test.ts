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
});
