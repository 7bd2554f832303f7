/** The Aggregator when the trigger closes (send or forget what waits) and at the edge of its window. */
import { Aggregator } from '../../../nodes/DingTalk/pipeline/Aggregator';

describe('Aggregator: closing and the window’s edge', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	function aggregator(windowMs = 1000, maxWaitMs = 5000) {
		const flushed: Array<[string, string[]]> = [];
		const a = new Aggregator<string>(
			windowMs,
			maxWaitMs,
			(key, items) => flushed.push([key, items]),
			() => Date.now(),
		);
		return { a, flushed };
	}

	it('sends every pending batch at once on flushAll, each only once, leaving no timer', () => {
		const { a, flushed } = aggregator();
		a.add('k', 'a');
		a.add('k', 'b');
		a.add('other', 'x');
		expect(a.pending).toBe(2);
		a.flushAll();
		// A closing trigger leaves no timer behind to keep the process busy.
		expect(jest.getTimerCount()).toBe(0);
		expect(flushed).toEqual([
			['k', ['a', 'b']],
			['other', ['x']],
		]);
		expect(a.pending).toBe(0);
		jest.advanceTimersByTime(10_000);
		expect(flushed).toHaveLength(2);
	});

	it('forgets every pending batch on discardAll and hands them back, leaving no timer to send them later', () => {
		const { a, flushed } = aggregator();
		a.add('k', 'a');
		a.add('k', 'b');
		a.add('other', 'x');
		expect(a.discardAll()).toEqual([['a', 'b'], ['x']]);
		expect(jest.getTimerCount()).toBe(0);
		expect(a.pending).toBe(0);
		jest.advanceTimersByTime(10_000);
		expect(flushed).toEqual([]);
	});

	it('sends a batch exactly when its window ends, not a millisecond before', () => {
		const { a, flushed } = aggregator(1000);
		a.add('k', 'a');
		jest.advanceTimersByTime(999);
		expect(flushed).toEqual([]);
		jest.advanceTimersByTime(1);
		expect(flushed).toEqual([['k', ['a']]]);
	});

	it('sends at once a message that arrives after the max wait has passed', () => {
		const { a, flushed } = aggregator(1000, 500);
		a.add('k', 'a');
		jest.advanceTimersByTime(499);
		a.add('k', 'b');
		jest.advanceTimersByTime(1);
		expect(flushed).toEqual([['k', ['a', 'b']]]);
	});
});
