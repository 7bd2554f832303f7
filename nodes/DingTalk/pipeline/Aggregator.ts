/**
 * Joins messages a sender writes in quick succession into one: each message restarts a `windowMs` wait, and
 * `maxWaitMs` after the first one the batch goes anyway, so a chatty user is still answered.
 */
export class Aggregator<T> {
	private readonly batches = new Map<
		string,
		{ items: T[]; first: number; timer: NodeJS.Timeout }
	>();

	constructor(
		private readonly windowMs: number,
		private readonly maxWaitMs: number,
		private readonly flush: (key: string, items: T[]) => void,
		private readonly now: () => number = Date.now,
	) {}

	add(key: string, item: T): void {
		const batch = this.batches.get(key);
		const now = this.now();
		if (batch) {
			clearTimeout(batch.timer);
			batch.items.push(item);
		}
		const current = batch ?? {
			items: [item],
			first: now,
			timer: undefined as unknown as NodeJS.Timeout,
		};
		const wait = Math.max(0, Math.min(this.windowMs, current.first + this.maxWaitMs - now));
		current.timer = setTimeout(() => this.release(key), wait);
		this.batches.set(key, current);
	}

	/** Sends every pending batch now (the trigger is closing). */
	flushAll(): void {
		for (const key of [...this.batches.keys()]) this.release(key);
	}

	/** Forgets every pending batch without sending it and returns them (the trigger is closing). */
	discardAll(): T[][] {
		const batches = [...this.batches.values()];
		for (const batch of batches) clearTimeout(batch.timer);
		this.batches.clear();
		return batches.map((batch) => batch.items);
	}

	get pending(): number {
		return this.batches.size;
	}

	private release(key: string): void {
		const batch = this.batches.get(key);
		if (!batch) return;
		clearTimeout(batch.timer);
		this.batches.delete(key);
		this.flush(key, batch.items);
	}
}
