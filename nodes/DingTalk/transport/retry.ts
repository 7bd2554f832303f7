import type { RetryPolicy } from './types';

/**
 * Delay before retry number `attempt` (0-based): exponential from the base, capped, with "equal jitter" so
 * parallel executions hitting the same flow control do not retry in lock-step. Honours Retry-After when given.
 */
export function retryDelayMs(
	attempt: number,
	policy: RetryPolicy,
	retryAfterSeconds?: number,
	random: () => number = Math.random,
): number {
	if (retryAfterSeconds !== undefined) return Math.min(policy.maxDelayMs, retryAfterSeconds * 1000);
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(exponential / 2 + random() * (exponential / 2));
}

export const sleep = async (ms: number) =>
	await new Promise<void>((resolve) => setTimeout(resolve, ms));
