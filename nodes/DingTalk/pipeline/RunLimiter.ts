/** Messages that may wait for a free run at most (each holds a little memory and one un-ACKed DingTalk delivery). */
export const MAX_WAITING_MESSAGES = 1000;

/** The limiter is full: the message is left un-ACKed, for DingTalk to deliver again later. */
export class RunQueueFullError extends Error {
	constructor(limit: number) {
		super(`${limit} messages already wait for a free run (Max Concurrent Runs)`);
		this.name = 'RunQueueFullError';
	}
}

/**
 * At most `max` runs at once (the trigger's Max Concurrent Runs); messages over it wait in arrival order and start
 * as runs finish. Bounded: beyond `maxWaiting` waiting messages a new one is refused. `close` refuses every waiting
 * message (they stay un-ACKed) and every later one.
 */
export class RunLimiter {
	private running = 0;
	private readonly waiting: Array<{ start: () => void; refuse: (error: Error) => void }> = [];
	private closed = false;

	constructor(
		readonly max: number,
		readonly maxWaiting = MAX_WAITING_MESSAGES,
	) {}

	get active(): number {
		return this.running;
	}

	get queued(): number {
		return this.waiting.length;
	}

	/** Waits for a free run; resolves with the function that frees it again (calling it twice frees it once). */
	async acquire(): Promise<() => void> {
		if (this.closed) throw new Error('the trigger is closing');
		if (this.running < this.max && this.waiting.length === 0) return this.take();
		if (this.waiting.length >= this.maxWaiting) throw new RunQueueFullError(this.maxWaiting);
		return await new Promise<() => void>((resolve, reject) =>
			this.waiting.push({ start: () => resolve(this.take()), refuse: reject }),
		);
	}

	close(): void {
		this.closed = true;
		for (const waiter of this.waiting.splice(0)) waiter.refuse(new Error('the trigger is closing'));
	}

	private take(): () => void {
		this.running++;
		let freed = false;
		return () => {
			if (freed) return;
			freed = true;
			this.running--;
			const next = this.waiting.shift();
			next?.start();
		};
	}
}
