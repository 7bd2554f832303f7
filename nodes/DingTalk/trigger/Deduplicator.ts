/**
 * Remembers message IDs so redeliveries never start a second run (DingTalk redelivers un-ACKed callbacks for about
 * a minute, and may duplicate even ACKed ones). While a run is in flight, a redelivery waits for that run's outcome;
 * after success it is dropped; after a failure one redelivery may run again. Bounded in size and time.
 */
export type Admission<T> =
	| { run: true; settle: (outcome: 'succeeded' | 'failed', value?: T) => void }
	| { run: false; outcome: Promise<T | undefined> };

interface Entry<T> {
	state: 'inFlight' | 'succeeded' | 'failed';
	failures: number;
	at: number;
	value?: T;
	/** Redeliveries waiting for the run in flight; created only when one arrives (the hot path allocates nothing). */
	waiters?: Array<(value: T | undefined) => void>;
}

export class Deduplicator<T = unknown> {
	private readonly entries = new Map<string, Entry<T>>();

	constructor(
		private readonly ttlMs = 10 * 60_000,
		private readonly maxEntries = 10_000,
		private readonly now: () => number = Date.now,
		private readonly maxRunsPerMessage = 2,
	) {}

	admit(id: string): Admission<T> {
		this.prune();
		const entry = this.entries.get(id);
		if (entry) {
			if (entry.state === 'inFlight') {
				return { run: false, outcome: new Promise((resolve) => (entry.waiters ??= []).push(resolve)) };
			}
			if (entry.state === 'succeeded' || entry.failures >= this.maxRunsPerMessage) {
				return { run: false, outcome: Promise.resolve(entry.value) };
			}
			this.entries.delete(id);
		}
		const next: Entry<T> = { state: 'inFlight', failures: entry?.failures ?? 0, at: this.now() };
		this.entries.set(id, next);
		return {
			run: true,
			settle: (outcome, value) => {
				next.state = outcome;
				next.at = this.now();
				next.value = value;
				if (outcome === 'failed') next.failures++;
				for (const resolve of next.waiters ?? []) resolve(value);
				next.waiters = undefined;
			},
		};
	}

	get size(): number {
		return this.entries.size;
	}

	/** Oldest first (Map order): drop expired settled entries, and the oldest settled ones beyond the bound. */
	private prune(): void {
		const now = this.now();
		for (const [id, entry] of this.entries) {
			const over = this.entries.size > this.maxEntries;
			if (!over && now - entry.at <= this.ttlMs) break;
			if (entry.state !== 'inFlight') this.entries.delete(id);
			else if (!over) break;
		}
	}
}
