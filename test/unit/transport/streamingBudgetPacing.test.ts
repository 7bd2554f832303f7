import { getEventListeners } from 'node:events';

import {
	DEFAULT_CARD_UPDATE_RATE,
	type Slot,
	StreamingBudget,
	clearStreamingBudgets,
	streamingBudgetFor,
} from '../../../nodes/DingTalk/transport/streamingBudget';

// Time is driven by jest's fake clock only: Date.now() (the budget's clock) and its timers move together.
beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => {
	jest.useRealTimers();
	clearStreamingBudgets();
});

/** Asks for slots and records when each was granted, relative to the start. */
function grants(budget: StreamingBudget) {
	const start = Date.now();
	const granted: Array<{ name: string; at: number }> = [];
	const ask = (
		name: string,
		priority: 'final' | 'intermediate' = 'intermediate',
		limits: { signal?: AbortSignal; deadline?: number } = {},
	) =>
		budget.acquire(priority, limits).then((slot) => {
			if (slot) granted.push({ name, at: Date.now() - start });
			return slot;
		});
	return { granted, ask };
}

describe('flow control: the pause doubles while answers keep coming, and starts over only after 10 s of quiet', () => {
	it('a slow-down exactly 10 s after the previous one still doubles the pause (2 s -> 4 s)', async () => {
		const budget = new StreamingBudget(20);
		const { granted, ask } = grants(budget);
		budget.throttled((await ask('a')) as Slot);
		await jest.advanceTimersByTimeAsync(10_000);
		const b = (await ask('b')) as Slot;
		expect(b.grantedAt - 1_000_000).toBe(10_000);
		budget.throttled(b);
		void ask('c');
		await jest.advanceTimersByTimeAsync(3999);
		expect(granted.map((g) => g.name)).toEqual(['a', 'b']);
		await jest.advanceTimersByTimeAsync(1);
		expect(granted.map((g) => [g.name, g.at])).toEqual([
			['a', 0],
			['b', 10_000],
			['c', 14_000],
		]);
	});

	it('a slow-down 10.001 s after the previous one pauses 2 s again', async () => {
		const budget = new StreamingBudget(20);
		const { granted, ask } = grants(budget);
		budget.throttled((await ask('a')) as Slot);
		await jest.advanceTimersByTimeAsync(10_001);
		budget.throttled((await ask('b')) as Slot);
		void ask('c');
		await jest.advanceTimersByTimeAsync(1999);
		expect(granted.map((g) => g.name)).toEqual(['a', 'b']);
		await jest.advanceTimersByTimeAsync(1);
		expect(granted.map((g) => [g.name, g.at])).toEqual([
			['a', 0],
			['b', 10_001],
			['c', 12_001],
		]);
	});
});

describe('busy: half the rate used within the last second (slots older than 1 s no longer count)', () => {
	it('at 20 per second, ten slots in the last second make the budget busy until the first is 1 s old', async () => {
		const budget = new StreamingBudget(20);
		const { granted, ask } = grants(budget);
		for (let n = 0; n < 10; n++) void ask(`u${n}`);
		await jest.advanceTimersByTimeAsync(450);
		expect(granted.map((g) => g.at)).toEqual([0, 50, 100, 150, 200, 250, 300, 350, 400, 450]);
		expect(budget.waiting).toBe(0);
		expect(budget.busy).toBe(true);
		await jest.advanceTimersByTimeAsync(549);
		// 999 ms after the first slot: still ten in the last second.
		expect(budget.busy).toBe(true);
		await jest.advanceTimersByTimeAsync(1);
		// 1000 ms after the first slot: it no longer counts, nine are left.
		expect(budget.busy).toBe(false);
	});

	it('at 2 per second, one slot makes the budget busy right after it is granted and for exactly 1 s', async () => {
		const budget = new StreamingBudget(2);
		const { ask } = grants(budget);
		expect(budget.busy).toBe(false);
		await ask('a');
		expect(budget.busy).toBe(true);
		await jest.advanceTimersByTimeAsync(999);
		expect(budget.busy).toBe(true);
		await jest.advanceTimersByTimeAsync(1);
		expect(budget.busy).toBe(false);
	});
});

describe("a card update rate that is no positive number falls back to DingTalk's 20 per second", () => {
	it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
		'new StreamingBudget(%p) paces at 20 per second',
		async (rate) => {
			const budget = new StreamingBudget(rate);
			expect(budget.ratePerSecond).toBe(DEFAULT_CARD_UPDATE_RATE);
			expect(budget.currentRate).toBe(DEFAULT_CARD_UPDATE_RATE);
			const { granted, ask } = grants(budget);
			for (let n = 0; n < 3; n++) void ask(`u${n}`);
			await jest.advanceTimersByTimeAsync(100);
			// Neither stopped (a rate of 0 would never grant a second slot) nor unpaced (Infinity).
			expect(granted.map((g) => g.at)).toEqual([0, 50, 100]);
		},
	);

	it('the smallest rates above 0 are kept as they are', () => {
		expect(new StreamingBudget(0.5).ratePerSecond).toBe(0.5);
		expect(new StreamingBudget(Number.MIN_VALUE).ratePerSecond).toBe(Number.MIN_VALUE);
	});

	it('a credential edited to a rate of 0 (or one that is no number) paces at 20 per second', () => {
		const budget = new StreamingBudget(4);
		budget.setRate(0);
		expect(budget.ratePerSecond).toBe(DEFAULT_CARD_UPDATE_RATE);
		budget.setRate(4);
		budget.setRate(Number.POSITIVE_INFINITY);
		expect(budget.ratePerSecond).toBe(DEFAULT_CARD_UPDATE_RATE);
		budget.setRate(4);
		budget.setRate(-1);
		expect(budget.ratePerSecond).toBe(DEFAULT_CARD_UPDATE_RATE);
	});
});

describe('a wait that ends with a slot leaves nothing behind on the caller’s signal or in the timers', () => {
	it('a slot granted at once removes its abort listener and clears its deadline timer', async () => {
		const budget = new StreamingBudget(1);
		const abort = new AbortController();
		const slot = await budget.acquire('final', {
			signal: abort.signal,
			deadline: Date.now() + 5000,
		});
		expect(slot).toEqual({ grantedAt: 1_000_000 });
		expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
		expect(jest.getTimerCount()).toBe(0);
	});

	it('a slot granted after a wait removes its abort listener and clears its deadline timer', async () => {
		const budget = new StreamingBudget(1);
		const { granted, ask } = grants(budget);
		await ask('first');
		const abort = new AbortController();
		const second = ask('second', 'intermediate', {
			signal: abort.signal,
			deadline: Date.now() + 5000,
		});
		expect(getEventListeners(abort.signal, 'abort')).toHaveLength(1);
		await jest.advanceTimersByTimeAsync(1000);
		expect(await second).toEqual({ grantedAt: 1_001_000 });
		expect(granted.map((g) => [g.name, g.at])).toEqual([
			['first', 0],
			['second', 1000],
		]);
		expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
		expect(jest.getTimerCount()).toBe(0);
	});

	it("many updates waiting on one execution's signal do not pile listeners up on it", async () => {
		const budget = new StreamingBudget(20);
		const abort = new AbortController();
		const { granted, ask } = grants(budget);
		for (let n = 0; n < 10; n++) void ask(`u${n}`, 'intermediate', { signal: abort.signal });
		// The first is granted at once; nine wait, each with its listener.
		expect(getEventListeners(abort.signal, 'abort')).toHaveLength(9);
		await jest.advanceTimersByTimeAsync(450);
		expect(granted).toHaveLength(10);
		expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
		// Aborting the execution later changes nothing for the slots already granted.
		abort.abort();
		expect(budget.waiting).toBe(0);
		expect(budget.stats.granted).toBe(10);
	});
});

/** App n's credential: each a budget of its own. */
const appNo = (n: number) => ({
	clientId: `dingapp${n}`,
	clientSecret: `secret-${n}`,
	robotCode: `dingapp${n}`,
	language: 'en' as const,
	apiBaseUrl: 'https://api.dingtalk.com',
	legacyApiBaseUrl: 'https://oapi.dingtalk.com',
});
/** Budgets for apps 0..255: the bound, reached. */
const first256 = () => Array.from({ length: 256 }, (_, n) => streamingBudgetFor(appNo(n)));

describe('streamingBudgetFor keeps at most 256 budgets: idle ones are forgotten oldest first, busy ones kept', () => {
	it('the 256th app still gets a budget with nothing forgotten; the 257th forgets only the oldest idle one', () => {
		const kept = first256();
		expect(new Set(kept).size).toBe(256);
		// Asking again for each of the 256 gives the same budget back: none was forgotten so far.
		kept.forEach((budget, n) => expect(streamingBudgetFor(appNo(n))).toBe(budget));
		const newest = streamingBudgetFor(appNo(256));
		expect(kept).not.toContain(newest);
		// Apps 1..255 and the newest keep their budgets (checked before app 0 is asked for again).
		for (let n = 1; n < 256; n++) expect(streamingBudgetFor(appNo(n))).toBe(kept[n]);
		expect(streamingBudgetFor(appNo(256))).toBe(newest);
		// App 0's budget was forgotten: it starts afresh.
		const again = streamingBudgetFor(appNo(0));
		expect(again).not.toBe(kept[0]);
		expect(again.stats).toEqual({ granted: 0, throttled: 0 });
	});

	it('a budget in use (two cards being typed) is kept; the oldest idle one is forgotten instead', () => {
		const kept = first256();
		kept[0].startTyping();
		kept[0].startTyping();
		expect(kept[0].busy).toBe(true);
		const newest = streamingBudgetFor(appNo(256));
		expect(streamingBudgetFor(appNo(0))).toBe(kept[0]);
		for (let n = 2; n < 256; n++) expect(streamingBudgetFor(appNo(n))).toBe(kept[n]);
		expect(streamingBudgetFor(appNo(256))).toBe(newest);
		expect(streamingBudgetFor(appNo(1))).not.toBe(kept[1]);
	});

	it('a budget slowed down by flow control is kept while it recovers', async () => {
		const kept = first256();
		const slot = (await kept[0].acquire('final')) as Slot;
		kept[0].throttled(slot);
		await jest.advanceTimersByTimeAsync(60_000);
		expect(kept[0].currentRate).toBe(10);
		streamingBudgetFor(appNo(256));
		expect(streamingBudgetFor(appNo(0))).toBe(kept[0]);
		expect(kept[0].currentRate).toBe(10);
	});

	it('when all 256 are busy none is forgotten: the new app gets a budget all the same', () => {
		const kept = first256();
		for (const budget of kept) {
			budget.startTyping();
			budget.startTyping();
		}
		const newest = streamingBudgetFor(appNo(256));
		expect(kept).not.toContain(newest);
		kept.forEach((budget, n) => expect(streamingBudgetFor(appNo(n))).toBe(budget));
		expect(streamingBudgetFor(appNo(256))).toBe(newest);
	});
});

describe('streamingBudgetFor never forgets a budget still in use, even when it is not "busy"', () => {
	it('one card being typed keeps its budget: a fresh one beside it would pace the same app twice', () => {
		const kept = first256();
		const finished = kept[0].startTyping();
		expect(kept[0].busy).toBe(false);
		streamingBudgetFor(appNo(256));
		expect(streamingBudgetFor(appNo(0))).toBe(kept[0]);
		expect(streamingBudgetFor(appNo(1))).not.toBe(kept[1]);
		// Once the card is finished the budget is idle and may go.
		finished();
		streamingBudgetFor(appNo(257));
		expect(streamingBudgetFor(appNo(0))).not.toBe(kept[0]);
	});

	it('a budget that granted a slot within the last second is kept until that slot is 1 s old', async () => {
		const kept = first256();
		await kept[0].acquire('final');
		expect(kept[0].busy).toBe(false);
		streamingBudgetFor(appNo(256));
		expect(streamingBudgetFor(appNo(0))).toBe(kept[0]);
		await jest.advanceTimersByTimeAsync(1000);
		streamingBudgetFor(appNo(257));
		expect(streamingBudgetFor(appNo(0))).not.toBe(kept[0]);
	});
});

describe('streamingBudgetFor: a wait or a pause keeps a budget in use', () => {
	it('a card operation waiting for its slot keeps a slow budget (0.5 per second) whose last slot is over 1 s old', async () => {
		const kept = first256();
		kept[0].setRate(0.5);
		await kept[0].acquire('final');
		const waiting = kept[0].acquire('final');
		await jest.advanceTimersByTimeAsync(1500);
		expect(kept[0].waiting).toBe(1);
		streamingBudgetFor(appNo(256));
		expect(streamingBudgetFor(appNo(0))).toBe(kept[0]);
		await jest.advanceTimersByTimeAsync(500);
		await expect(waiting).resolves.toBeDefined();
	});

	it('a pause after flow control keeps a budget whose rate is already back, until the pause ends (not at its end)', async () => {
		const kept = first256();
		const slot = (await kept[0].acquire('final')) as Slot;
		await jest.advanceTimersByTimeAsync(1000);
		kept[0].throttled(slot);
		for (let n = 0; n < 10; n++) kept[0].succeeded();
		expect(kept[0].currentRate).toBe(20);
		await jest.advanceTimersByTimeAsync(1999);
		streamingBudgetFor(appNo(256));
		expect(streamingBudgetFor(appNo(0))).toBe(kept[0]);
		await jest.advanceTimersByTimeAsync(1);
		streamingBudgetFor(appNo(257));
		expect(streamingBudgetFor(appNo(0))).not.toBe(kept[0]);
	});
});
