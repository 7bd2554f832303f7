import { type Slot, StreamingBudget } from '../../../nodes/DingTalk/transport/streamingBudget';

/*
 * When the budget counts as busy (cards then keep 800 ms between their updates), how cards typing are counted, what
 * a credential edited to a new rate does to the pace, and the waits that end before they start. Time is driven
 * exactly: jest's fake timers, whose clock the budget reads through Date.now.
 */

const START = 1_000_000;
beforeEach(() => jest.useFakeTimers({ now: START }));
afterEach(() => jest.useRealTimers());

/** Takes `count` slots from an idle budget, asked for at once: granted one every 1/rate s from now. */
async function takeSlots(budget: StreamingBudget, count: number): Promise<Slot[]> {
	const pending = Array.from({ length: count }, () => budget.acquire('intermediate'));
	await jest.advanceTimersByTimeAsync(((count - 1) * 1000) / budget.currentRate);
	return (await Promise.all(pending)) as Slot[];
}

/** When each of `count` intermediate slots asked for now is granted, in ms from now. */
async function grantTimes(
	budget: StreamingBudget,
	count: number,
	withinMs: number,
): Promise<number[]> {
	const start = Date.now();
	const times: number[] = [];
	for (let n = 0; n < count; n++)
		void budget.acquire('intermediate').then((slot) => {
			if (slot) times.push(Date.now() - start);
		});
	await jest.advanceTimersByTimeAsync(withinMs);
	return times;
}

describe('StreamingBudget.busy: when cards space their updates out', () => {
	it('an idle budget is not busy', () => {
		expect(new StreamingBudget(10).busy).toBe(false);
	});

	it('one card typing alone is not load; two at once are', () => {
		const budget = new StreamingBudget(10);
		budget.startTyping();
		expect(budget.busy).toBe(false);
		budget.startTyping();
		expect(budget.busy).toBe(true);
	});

	it('a card finished twice counts once: of three cards, one finished twice leaves two typing (busy)', () => {
		const budget = new StreamingBudget(10);
		const first = budget.startTyping();
		budget.startTyping();
		budget.startTyping();
		first();
		// Two cards still typing.
		expect(budget.busy).toBe(true);
		first();
		expect(budget.busy).toBe(true);
	});

	it('not busy once only one card of two is still typing', () => {
		const budget = new StreamingBudget(10);
		const first = budget.startTyping();
		budget.startTyping();
		expect(budget.busy).toBe(true);
		first();
		expect(budget.busy).toBe(false);
	});

	it('busy when half the rate was used in the last second: at rate 10, 5 slots are busy, 4 are not', async () => {
		const budget = new StreamingBudget(10);
		await takeSlots(budget, 4);
		// 4 slots granted at 0, 100, 200, 300 ms; nobody waits.
		expect(budget.waiting).toBe(0);
		expect(budget.busy).toBe(false);
		await jest.advanceTimersByTimeAsync(100);
		expect(await takeSlots(budget, 1)).toEqual([{ grantedAt: START + 400 }]);
		expect(budget.waiting).toBe(0);
		expect(budget.busy).toBe(true);
		// A second after the first of them, only 4 count: not busy any more.
		jest.setSystemTime(START + 1000);
		expect(budget.busy).toBe(false);
	});

	it('busy while someone waits for a slot, even with the rate barely used', async () => {
		const budget = new StreamingBudget(10);
		await budget.acquire('final');
		expect(budget.busy).toBe(false);
		const next = budget.acquire('intermediate');
		expect(budget.waiting).toBe(1);
		expect(budget.busy).toBe(true);
		await jest.advanceTimersByTimeAsync(100);
		expect(await next).toEqual({ grantedAt: START + 100 });
		expect(budget.waiting).toBe(0);
		jest.setSystemTime(START + 1100);
		expect(budget.busy).toBe(false);
	});

	it('busy while a pause after flow control lasts, until its last millisecond, even with the rate given back', async () => {
		const budget = new StreamingBudget(20);
		const [slot] = await takeSlots(budget, 1);
		budget.throttled(slot);
		expect(budget.currentRate).toBe(10);
		// Ten updates got through (a twentieth of the rate back each): the rate is whole again.
		for (let n = 0; n < 10; n++) budget.succeeded();
		expect(budget.currentRate).toBe(20);
		jest.setSystemTime(START + 1999);
		expect(budget.busy).toBe(true);
		jest.setSystemTime(START + 2000);
		expect(budget.busy).toBe(false);
	});
});

describe('StreamingBudget.waiting', () => {
	it('counts the waits of both queues, finals and intermediates', async () => {
		const budget = new StreamingBudget(10);
		await budget.acquire('final');
		const pending = [
			budget.acquire('intermediate'),
			budget.acquire('final'),
			budget.acquire('intermediate'),
		];
		expect(budget.waiting).toBe(3);
		await jest.advanceTimersByTimeAsync(100);
		expect(budget.waiting).toBe(2);
		await jest.advanceTimersByTimeAsync(200);
		expect(budget.waiting).toBe(0);
		expect((await Promise.all(pending)).map((slot) => slot?.grantedAt)).toEqual([
			START + 200,
			START + 100,
			START + 300,
		]);
	});
});

describe('StreamingBudget.setRate: a credential edited to a new rate', () => {
	it('a lower rate takes effect for the next slot: 20 per second down to 10 spaces slots 100 ms apart', async () => {
		const budget = new StreamingBudget(20);
		budget.setRate(10);
		expect(budget.ratePerSecond).toBe(10);
		expect(budget.currentRate).toBe(10);
		expect(await grantTimes(budget, 4, 1000)).toEqual([0, 100, 200, 300]);
	});

	it('a budget slowed by flow control keeps its share of the new rate: half of 20, then 40, paces at 20', async () => {
		const budget = new StreamingBudget(20);
		const [slot] = await takeSlots(budget, 1);
		budget.throttled(slot);
		expect(budget.currentRate).toBe(10);
		budget.setRate(40);
		expect(budget.ratePerSecond).toBe(40);
		expect(budget.currentRate).toBe(20);
		// After the 2 s pause: one slot every 50 ms, not every 25 ms.
		jest.setSystemTime(START + 2000);
		expect(await grantTimes(budget, 4, 1000)).toEqual([0, 50, 100, 150]);
	});

	it('the slowed rate never drops below an eighth of the new rate', async () => {
		const budget = new StreamingBudget(16);
		for (let n = 0; n < 4; n++) {
			jest.advanceTimersByTime(20_000);
			budget.throttled({ grantedAt: Date.now() });
		}
		// At its floor: an eighth of 16.
		expect(budget.currentRate).toBe(2);
		budget.setRate(80);
		expect(budget.currentRate).toBe(10);
		budget.setRate(8);
		expect(budget.currentRate).toBe(1);
	});
});

describe('StreamingBudget.acquire: waits that end before they start', () => {
	it('an already aborted wait gets no slot and leaves the free slot to the next caller', async () => {
		const budget = new StreamingBudget(10);
		const abort = new AbortController();
		abort.abort();
		expect(await budget.acquire('final', { signal: abort.signal })).toBeUndefined();
		expect(budget.stats.granted).toBe(0);
		expect(budget.waiting).toBe(0);
		expect(await budget.acquire('intermediate')).toEqual({ grantedAt: START });
	});

	it('a deadline that is now has passed: no slot; one a millisecond later gets the free slot at once', async () => {
		const budget = new StreamingBudget(10);
		expect(await budget.acquire('final', { deadline: START })).toBeUndefined();
		expect(await budget.acquire('final', { deadline: START - 1 })).toBeUndefined();
		expect(budget.stats.granted).toBe(0);
		expect(budget.waiting).toBe(0);
		expect(await budget.acquire('final', { deadline: START + 1 })).toEqual({ grantedAt: START });
		expect(budget.stats.granted).toBe(1);
	});
});
