/**
 * Remembers message IDs so redeliveries never start a second run (DingTalk redelivers un-ACKed callbacks for about
 * a minute, and may duplicate even ACKed ones). While a run is in flight, a redelivery waits for that run's outcome;
 * after success it is dropped; after a failure one redelivery may run again — including one that was waiting when
 * the run failed (`retry`: admit it again), so a redelivery that came early never ACKs a failed message away.
 * Bounded in size and time.
 */
export interface Settled<T> {
	/** The run this delivery waited for failed and may be run again: call `admit` again. */
	retry: boolean;
	value?: T;
}

export type Admission<T> =
	| {
			run: true;
			/** `notStarted`: no run began (a full wait queue): the message is forgotten, not counted as a failure. */
			settle: (outcome: 'succeeded' | 'failed' | 'notStarted', value?: T) => void;
	  }
	| { run: false; outcome: Promise<Settled<T>> };

interface Entry<T> {
	state: 'inFlight' | 'succeeded' | 'failed';
	failures: number;
	at: number;
	value?: T;
	/** Redeliveries waiting for the run in flight; created only when one arrives (the hot path allocates nothing). */
	waiters?: Array<(settled: Settled<T>) => void>;
}

export class Deduplicator<T = unknown> {
	private readonly entries = new Map<string, Entry<T>>();
	private admitsSincePrune = 0;

	constructor(
		private readonly ttlMs = 10 * 60_000,
		private readonly maxEntries = 10_000,
		private readonly now: () => number = Date.now,
		private readonly maxRunsPerMessage = 2,
	) {}

	admit(id: string): Admission<T> {
		// Pruning walks the Map from its oldest entry; doing it per message made every admit pay for the holes
		// that deletions leave at the front. In batches it costs O(1) per message.
		if (this.entries.size > this.maxEntries || ++this.admitsSincePrune >= 1024) this.prune();
		const found = this.entries.get(id);
		// A settled entry older than the TTL counts as forgotten even before the next prune removes it.
		const entry =
			found && (found.state === 'inFlight' || this.now() - found.at <= this.ttlMs)
				? found
				: undefined;
		if (found && !entry) this.entries.delete(id);
		if (entry) {
			if (entry.state === 'inFlight') {
				return {
					run: false,
					outcome: new Promise((resolve) => (entry.waiters ??= []).push(resolve)),
				};
			}
			if (entry.state === 'succeeded' || entry.failures >= this.maxRunsPerMessage) {
				return { run: false, outcome: Promise.resolve({ retry: false, value: entry.value }) };
			}
			this.entries.delete(id);
		}
		const next: Entry<T> = { state: 'inFlight', failures: entry?.failures ?? 0, at: this.now() };
		this.entries.set(id, next);
		return {
			run: true,
			settle: (outcome, value) => {
				if (outcome === 'notStarted') {
					if (this.entries.get(id) === next) this.entries.delete(id);
					for (const resolve of next.waiters ?? []) resolve({ retry: true });
					next.waiters = undefined;
					return;
				}
				next.state = outcome;
				next.at = this.now();
				next.value = value;
				if (outcome === 'failed') next.failures++;
				const retry = outcome === 'failed' && next.failures < this.maxRunsPerMessage;
				for (const resolve of next.waiters ?? []) resolve({ retry, value });
				next.waiters = undefined;
			},
		};
	}

	get size(): number {
		return this.entries.size;
	}

	/**
	 * Drops every expired settled entry, then settled ones in Map order (oldest admitted first) while over 90 % of the
	 * bound. The whole store is walked for the expired ones: a run that settled late sits before entries that expired,
	 * and stopping at it would leave them to crowd out fresh messages, whose redeliveries would then run again.
	 */
	private prune(): void {
		this.admitsSincePrune = 0;
		const now = this.now();
		for (const [id, entry] of this.entries) {
			if (entry.state !== 'inFlight' && now - entry.at > this.ttlMs) this.entries.delete(id);
		}
		const target = Math.floor(this.maxEntries * 0.9);
		for (const [id, entry] of this.entries) {
			if (this.entries.size <= target) break;
			if (entry.state !== 'inFlight') this.entries.delete(id);
		}
	}
}
