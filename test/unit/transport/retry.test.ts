import { retryDelayMs } from '../../../nodes/DingTalk/transport/retry';

describe('retry delays', () => {
	const policy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 8000 };
	it('grows exponentially with jitter and a cap', () => {
		expect(retryDelayMs(0, policy, undefined, () => 0)).toBe(500);
		expect(retryDelayMs(0, policy, undefined, () => 1)).toBe(1000);
		expect(retryDelayMs(2, policy, undefined, () => 1)).toBe(4000);
		expect(retryDelayMs(10, policy, undefined, () => 1)).toBe(8000);
		expect(retryDelayMs(10, policy, undefined, () => 0)).toBe(4000);
	});
	it('honours Retry-After, within the cap', () => {
		expect(retryDelayMs(0, policy, 2)).toBe(2000);
		expect(retryDelayMs(0, policy, 60)).toBe(8000);
	});
});
