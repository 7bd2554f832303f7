import { ReplayGuard } from '../../../nodes/DingTalk/http/ReplayGuard';

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ReplayGuard', () => {
	it('answers replay while a key lives, and takes it again once it has expired', () => {
		const time = clock();
		const guard = new ReplayGuard(10, time.now);
		expect(guard.check('a', time.now() + 100)).toBe('new');
		expect(guard.check('a', time.now() + 100)).toBe('replay');
		time.advance(100);
		// Expired exactly now: no longer live.
		expect(guard.check('a', time.now() + 100)).toBe('new');
		expect(guard.size).toBe(1);
	});

	it('holds exactly its bound, and one more prunes it to 90 % (the oldest first)', () => {
		const time = clock();
		const guard = new ReplayGuard(10, time.now);
		for (let i = 0; i < 10; i++) expect(guard.check(`k${i}`, time.now() + 1000 + i)).toBe('new');
		expect(guard.size).toBe(10);
		expect(guard.check('k10', time.now() + 1010)).toBe('new');
		expect(guard.size).toBe(9);
		// k0 and k1 were dropped, so the floor is k1's expiry: a callback expiring then or earlier is refused, later is not.
		expect(guard.check('other', time.now() + 1001)).toBe('tooOld');
		expect(guard.check('k1', time.now() + 1001)).toBe('tooOld');
		expect(guard.check('later', time.now() + 1002)).toBe('new');
		// The entries kept are still replays.
		expect(guard.check('k2', time.now() + 1002)).toBe('replay');
	});

	it('at capacity drops expired entries first, and they raise no floor', () => {
		const time = clock();
		const guard = new ReplayGuard(10, time.now);
		guard.check('gone1', time.now() + 50);
		guard.check('gone2', time.now() + 50);
		for (let i = 0; i < 8; i++) guard.check(`live${i}`, time.now() + 1000 + i);
		time.advance(50);
		// Over the bound by two: both expired entries (expiring exactly now) go, every live one stays.
		guard.check('live8', time.now() + 2000);
		expect(guard.size).toBe(9);
		expect(guard.check('live0', time.now() + 950)).toBe('replay');
		// No live entry was dropped: nothing is refused as too old, not even a callback expiring now.
		expect(guard.check('fresh', time.now())).toBe('new');
	});

	it('a key taken again after it expired moves to the back, so a later prune does not drop it first', () => {
		const time = clock();
		const guard = new ReplayGuard(10, time.now);
		guard.check('again', time.now() + 10);
		for (let i = 0; i < 9; i++) guard.check(`early${i}`, time.now() + 500 + i);
		time.advance(10);
		expect(guard.check('again', time.now() + 5000)).toBe('new');
		// Over the bound: the oldest entries (early0, early1) go, not 'again', so the floor stays early.
		guard.check('one-more', time.now() + 600);
		expect(guard.check('again', time.now() + 5000)).toBe('replay');
		expect(guard.check('mid', time.now() + 700)).toBe('new');
	});

	it('every 1,024 inserts forgets what has expired, below the bound too', () => {
		const time = clock();
		const guard = new ReplayGuard(100_000, time.now);
		for (let i = 0; i < 1023; i++) guard.check(`short${i}`, time.now() + 10);
		expect(guard.size).toBe(1023);
		time.advance(10);
		guard.check('the-1024th', time.now() + 10);
		expect(guard.size).toBe(1);
		// Nothing live was dropped, so nothing is refused as too old.
		expect(guard.check('short0', time.now() + 1)).toBe('new');
	});
});
