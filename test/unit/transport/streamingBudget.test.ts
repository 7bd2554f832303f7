import {
	DEFAULT_CARD_UPDATE_RATE,
	type Slot,
	StreamingBudget,
	streamingBudgetFor,
} from '../../../nodes/DingTalk/transport/streamingBudget';

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

/** Asks for slots and records when each was granted, relative to the start. */
function grants(budget: StreamingBudget) {
	const start = Date.now();
	const granted: Array<{ name: string; at: number; slot: Slot }> = [];
	const ask = (name: string, priority: 'final' | 'intermediate' = 'intermediate', limits = {}) =>
		budget.acquire(priority, limits).then((slot) => {
			if (slot) granted.push({ name, at: Date.now() - start, slot });
			return slot;
		});
	return { granted, ask };
}

describe('StreamingBudget', () => {
	it('hands out one slot every 1/rate seconds, the first at once (no burst beyond one)', async () => {
		const budget = new StreamingBudget(5);
		const { granted, ask } = grants(budget);
		for (let n = 0; n < 6; n++) void ask(`u${n}`);
		await jest.advanceTimersByTimeAsync(2000);
		expect(granted.map((g) => g.at)).toEqual([0, 200, 400, 600, 800, 1000]);
		expect(budget.stats.granted).toBe(6);
	});

	it('serves final updates ahead of intermediate ones, each queue first come, first served', async () => {
		const budget = new StreamingBudget(10);
		const { granted, ask } = grants(budget);
		void ask('i1');
		void ask('i2');
		void ask('i3');
		void ask('f1', 'final');
		void ask('f2', 'final');
		await jest.advanceTimersByTimeAsync(1000);
		expect(granted.map((g) => g.name)).toEqual(['i1', 'f1', 'f2', 'i2', 'i3']);
	});

	it('after a flow-control answer pauses 2 s and halves its rate; answers from the same wave count once', async () => {
		const budget = new StreamingBudget(10);
		const { granted, ask } = grants(budget);
		const a = (await ask('a')) as Slot;
		const pendingB = ask('b');
		await jest.advanceTimersByTimeAsync(100);
		const b = (await pendingB) as Slot;
		// Both were sent before DingTalk's first refusal came back: one wave, one slow-down.
		budget.throttled(a);
		budget.throttled(b);
		expect(budget.currentRate).toBe(5);
		expect(budget.stats.throttled).toBe(2);
		void ask('c');
		void ask('d');
		await jest.advanceTimersByTimeAsync(1999);
		expect(granted.map((g) => g.name)).toEqual(['a', 'b']);
		await jest.advanceTimersByTimeAsync(1);
		expect(granted.map((g) => g.name)).toEqual(['a', 'b', 'c']);
		// Half the rate: 200 ms to the next slot.
		await jest.advanceTimersByTimeAsync(199);
		expect(granted).toHaveLength(3);
		await jest.advanceTimersByTimeAsync(1);
		expect(granted.map((g) => [g.name, g.at])).toEqual([
			['a', 0],
			['b', 100],
			['c', 2100],
			['d', 2300],
		]);
	});

	it('a second wave of flow control doubles the pause; updates that get through give the rate back gradually', async () => {
		const budget = new StreamingBudget(20);
		const { granted, ask } = grants(budget);
		budget.throttled((await ask('a')) as Slot);
		const p = ask('b');
		await jest.advanceTimersByTimeAsync(2000);
		budget.throttled((await p) as Slot);
		expect(budget.currentRate).toBe(5);
		void ask('c');
		await jest.advanceTimersByTimeAsync(3999);
		expect(granted.map((g) => g.name)).toEqual(['a', 'b']);
		await jest.advanceTimersByTimeAsync(1);
		expect(granted.map((g) => g.name)).toEqual(['a', 'b', 'c']);
		expect(budget.busy).toBe(true);
		budget.succeeded();
		// A twentieth of the rate back per update that gets through.
		expect(budget.currentRate).toBe(6);
		for (let n = 0; n < 13; n++) budget.succeeded();
		expect(budget.currentRate).toBe(19);
		budget.succeeded();
		expect(budget.currentRate).toBe(20);
		budget.succeeded();
		expect(budget.currentRate).toBe(20);
	});

	it('never slows below an eighth of its rate', () => {
		const budget = new StreamingBudget(16);
		for (let n = 0; n < 10; n++) {
			jest.advanceTimersByTime(20_000);
			budget.throttled({ grantedAt: Date.now() });
		}
		expect(budget.currentRate).toBe(2);
	});

	it('a wait ends at its deadline or when aborted, and leaves the queue', async () => {
		const budget = new StreamingBudget(1);
		const { ask } = grants(budget);
		await ask('first');
		const late = ask('late', 'final', { deadline: Date.now() + 300 });
		const abort = new AbortController();
		const aborted = ask('aborted', 'intermediate', { signal: abort.signal });
		abort.abort();
		expect(await aborted).toBeUndefined();
		await jest.advanceTimersByTimeAsync(300);
		expect(await late).toBeUndefined();
		expect(budget.waiting).toBe(0);
		// The slot they did not take goes to the next caller.
		const next = ask('next');
		await jest.advanceTimersByTimeAsync(700);
		expect(await next).toBeDefined();
	});
});

describe('streamingBudgetFor', () => {
	const app = {
		clientId: 'dingapp1',
		clientSecret: 'secret-one',
		robotCode: 'dingapp1',
		language: 'en' as const,
		apiBaseUrl: 'https://api.dingtalk.com',
		legacyApiBaseUrl: 'https://oapi.dingtalk.com',
	};

	it('one budget per app identity: base URL, Client ID and secret; the rate comes from the credential', () => {
		const budget = streamingBudgetFor(app);
		expect(streamingBudgetFor({ ...app, robotCode: 'other', language: 'zh-CN' })).toBe(budget);
		expect(streamingBudgetFor({ ...app, clientSecret: 'secret-two' })).not.toBe(budget);
		expect(streamingBudgetFor({ ...app, clientId: 'dingapp2' })).not.toBe(budget);
		expect(streamingBudgetFor({ ...app, apiBaseUrl: 'https://api.example.test' })).not.toBe(budget);
		expect(budget.ratePerSecond).toBe(DEFAULT_CARD_UPDATE_RATE);
		expect(streamingBudgetFor({ ...app, cardUpdateRate: 4 })).toBe(budget);
		expect(budget.ratePerSecond).toBe(4);
	});
});
