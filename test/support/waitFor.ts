/**
 * The default deadline of `waitFor`: 10 s, for a loaded CI machine. The mutation run (jest.mutation.config.js)
 * shortens it through DINGTALK_TEST_WAIT_MS: a mutant that stops an awaited frame then fails its test in seconds
 * instead of running into StrykerJS's timeout, which restarts the test runner and counts the mutant as timed out.
 */
export const DEFAULT_WAIT_MS = Number(process.env.DINGTALK_TEST_WAIT_MS) || 10_000;

/** Polls until `probe` answers something truthy; fails after the deadline. */
export async function waitFor<T>(
	probe: () => T | undefined | false,
	timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${probe.toString()}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
