import { RunLimiter, RunQueueFullError } from '../../../nodes/DingTalk/pipeline/RunLimiter';

const tick = async () => await new Promise((resolve) => setImmediate(resolve));

describe('RunLimiter (Max Concurrent Runs)', () => {
	it('runs at most `max` at once; the others start in arrival order as runs finish', async () => {
		const limiter = new RunLimiter(2);
		const started: string[] = [];
		const releases = new Map<string, () => void>();
		const refused: unknown[] = [];
		for (const name of ['a', 'b', 'c', 'd', 'e'])
			void limiter.acquire().then(
				(release) => {
					started.push(name);
					releases.set(name, release);
				},
				(error: unknown) => refused.push(error),
			);
		await tick();
		expect(started).toEqual(['a', 'b']);
		expect(limiter.queued).toBe(3);
		releases.get('b')?.();
		await tick();
		expect(started).toEqual(['a', 'b', 'c']);
		// Freeing a place twice frees it once.
		releases.get('b')?.();
		await tick();
		expect(started).toEqual(['a', 'b', 'c']);
		releases.get('a')?.();
		releases.get('c')?.();
		await tick();
		expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(limiter.active).toBe(2);
		expect(refused).toEqual([]);
	});

	it('a message arriving while others wait queues behind them even if a place is free at that moment', async () => {
		const limiter = new RunLimiter(1);
		const order: string[] = [];
		const refused = (error: unknown) => order.push(`refused: ${String(error)}`);
		const first = await limiter.acquire();
		void limiter.acquire().then((release) => {
			order.push('waiting');
			release();
		}, refused);
		first();
		// The place is being handed to the waiting message: a newcomer must not overtake it.
		void limiter.acquire().then(() => order.push('newcomer'), refused);
		await tick();
		expect(order).toEqual(['waiting', 'newcomer']);
	});

	it('is bounded: beyond maxWaiting a message is refused (left un-ACKed for DingTalk to deliver again)', async () => {
		const limiter = new RunLimiter(1, 2);
		await limiter.acquire();
		// The waiting messages' refusals are collected, not left unhandled: one would crash the test process.
		const refusedWhileWaiting: unknown[] = [];
		for (let i = 0; i < 2; i++)
			limiter.acquire().catch((error: unknown) => refusedWhileWaiting.push(error));
		const refusal = limiter.acquire();
		await expect(refusal).rejects.toBeInstanceOf(RunQueueFullError);
		// What the log line says: how many wait, and the option that lets more run at once.
		await expect(refusal).rejects.toThrow(
			/^2 messages already wait for a free run \(Max Concurrent Runs\)$/,
		);
		expect(String(await refusal.catch((error: unknown) => error))).toBe(
			'RunQueueFullError: 2 messages already wait for a free run (Max Concurrent Runs)',
		);
		expect(refusedWhileWaiting).toEqual([]);
		expect(limiter.queued).toBe(2);
	});

	it('close refuses every waiting message and every later one; none starts', async () => {
		const limiter = new RunLimiter(1);
		const release = await limiter.acquire();
		const waiting = limiter.acquire();
		limiter.close();
		await expect(waiting).rejects.toThrow('the trigger is closing');
		await expect(limiter.acquire()).rejects.toThrow('the trigger is closing');
		release();
		expect(limiter.active).toBe(0);
	});
});
