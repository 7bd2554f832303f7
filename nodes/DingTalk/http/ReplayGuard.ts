/**
 * Remembers the nonces of accepted encrypted callbacks for as long as their timestamp is inside the accepted window,
 * so a captured request cannot be played again. Bounded: past `maxEntries`, the oldest are forgotten first (a replay
 * of one of those is still refused by the timestamp window once it is older than that).
 */
export class ReplayGuard {
	private readonly seenUntil = new Map<string, number>();

	constructor(
		private readonly windowMs: number,
		private readonly maxEntries = 100_000,
		private readonly now: () => number = Date.now,
	) {}

	/** True when this key was already accepted within the window; otherwise records it and returns false. */
	isReplay(key: string): boolean {
		const now = this.now();
		const until = this.seenUntil.get(key);
		if (until !== undefined && until > now) return true;
		if (until !== undefined) this.seenUntil.delete(key);
		this.seenUntil.set(key, now + 2 * this.windowMs);
		if (this.seenUntil.size > this.maxEntries) this.prune(now);
		return false;
	}

	get size(): number {
		return this.seenUntil.size;
	}

	private prune(now: number): void {
		// Map keeps insertion order, so the front holds the oldest entries.
		for (const [key, until] of this.seenUntil) {
			if (this.seenUntil.size <= this.maxEntries && until > now) break;
			this.seenUntil.delete(key);
		}
	}
}
