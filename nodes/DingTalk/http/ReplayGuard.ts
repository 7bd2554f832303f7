export type ReplayVerdict = 'new' | 'replay' | 'tooOld';

/** Pruning walks the Map from its oldest entry; per insert it would pay for the holes deletions leave at the front. */
const PRUNE_EVERY_INSERTS = 1024;

/**
 * Remembers accepted callbacks until their timestamp leaves the accepted window (`expiresAt`), so a captured request
 * cannot be played again while its timestamp would still pass. Keys are fixed-size digests (memory per entry is fixed).
 *
 * Bounded by count. At capacity the oldest entries are dropped in a batch (down to 90 %), and the guard then refuses
 * every callback that expires no later than the latest entry it dropped (`tooOld`): a replay of a forgotten request
 * carries the same timestamp, so it is refused too. Dropping never lets a replay in, and a flood cannot push out
 * fresh callbacks: it only shortens the accepted window for callbacks older than the flood's own. Refusing all new
 * callbacks at capacity instead would let whoever fills the memory stop the trigger for an hour.
 */
export class ReplayGuard {
	private readonly expiries = new Map<string, number>();
	/** Callbacks expiring at or before this were possibly forgotten at capacity, so they are refused. */
	private floor = -Infinity;
	private insertsSincePrune = 0;

	constructor(
		private readonly maxEntries = 100_000,
		private readonly now: () => number = Date.now,
	) {}

	/** Records the key if it is new; `expiresAt` is when the callback's timestamp leaves the accepted window. */
	check(key: string, expiresAt: number): ReplayVerdict {
		if (expiresAt <= this.floor) return 'tooOld';
		const now = this.now();
		const known = this.expiries.get(key);
		if (known !== undefined && known > now) return 'replay';
		if (known !== undefined) this.expiries.delete(key);
		this.expiries.set(key, expiresAt);
		if (this.expiries.size > this.maxEntries || ++this.insertsSincePrune >= PRUNE_EVERY_INSERTS)
			this.prune(now);
		return 'new';
	}

	get size(): number {
		return this.expiries.size;
	}

	/** Oldest first (Map order): drop expired entries, and live ones beyond 90 % of the bound (raising the floor). */
	private prune(now: number): void {
		this.insertsSincePrune = 0;
		const target = Math.floor(this.maxEntries * 0.9);
		for (const [key, expiresAt] of this.expiries) {
			const over = this.expiries.size > target;
			if (!over && expiresAt > now) break;
			if (expiresAt > now) this.floor = Math.max(this.floor, expiresAt);
			this.expiries.delete(key);
		}
	}
}
