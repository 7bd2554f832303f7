/** How long a cached access token is used: DingTalk's 7200 s tokens, unusually short ones, and nonsense lifetimes. */
import { AccessTokenCache } from '../../../nodes/DingTalk/transport/tokenCache';

function cacheAt(expiresInSeconds: number) {
	const clock = { now: 1_000_000 };
	const cache = new AccessTokenCache(() => clock.now);
	let issued = 0;
	const get = async () =>
		await cache.get('app', async () => ({ token: `t${++issued}`, expiresInSeconds }));
	return { clock, cache, get, issued: () => issued };
}

describe('access token lifetime', () => {
	it('uses a 7200 s token up to the millisecond before its last 5 minutes', async () => {
		const { clock, get, issued } = cacheAt(7200);
		await get();
		clock.now += 6_900_000 - 1;
		expect(await get()).toBe('t1');
		clock.now += 1;
		expect(await get()).toBe('t2');
		expect(issued()).toBe(2);
	});

	it('uses a short token for half its life (60 s → 30 s)', async () => {
		const { clock, get } = cacheAt(60);
		await get();
		clock.now += 29_999;
		expect(await get()).toBe('t1');
		clock.now += 1;
		expect(await get()).toBe('t2');
	});

	it('never reuses a token whose lifetime is 0 or negative', async () => {
		for (const lifetime of [0, -7200]) {
			const { get } = cacheAt(lifetime);
			expect([await get(), await get()]).toEqual(['t1', 't2']);
		}
	});

	it('fetches again after clear()', async () => {
		const { cache, get } = cacheAt(7200);
		await get();
		cache.clear();
		expect(await get()).toBe('t2');
	});

	it('keeps a fresh token when an older one is reported as refused', async () => {
		const { cache, get } = cacheAt(7200);
		await get();
		cache.invalidate('app', 'an older token');
		expect(await get()).toBe('t1');
		cache.invalidate('app', 't1');
		expect(await get()).toBe('t2');
	});
});
