/**
 * ReplayGuard at capacity: cost per insert once the memory is full (every insert past the bound drops old entries)
 * vs while it is filling, for the guard and for a baseline that prunes on every insert at capacity (the guard before
 * issue 10 item 10), measured in the same run. Prints one JSON object. Run: npx tsx bench/replay-guard.bench.ts
 */
import { ReplayGuard } from '../nodes/DingTalk/http/ReplayGuard';
import { atLeast, reportWithGoals } from './goals';

const CAPACITY = 100_000;
const INSERTS = 200_000;

/** The pre-fix algorithm: walk from the oldest entry on every insert over the bound. */
class PerInsertPruning {
	private readonly seen = new Map<string, number>();
	check(key: string, expiresAt: number): void {
		this.seen.set(key, expiresAt);
		if (this.seen.size > CAPACITY) {
			for (const [k, until] of this.seen) {
				if (this.seen.size <= CAPACITY && until > 0) break;
				this.seen.delete(k);
			}
		}
	}
}

function nsPerInsert(
	guard: { check(key: string, expiresAt: number): unknown },
	from: number,
	count: number,
): number {
	const started = process.hrtime.bigint();
	for (let i = from; i < from + count; i++) guard.check(`key-${i}`, 1e15 + i);
	return Number(process.hrtime.bigint() - started) / count;
}

function measure(guard: { check(key: string, expiresAt: number): unknown }) {
	const filling = nsPerInsert(guard, 0, CAPACITY);
	const atCapacity = nsPerInsert(guard, CAPACITY, INSERTS);
	return {
		fillingNsPerInsert: Math.round(filling),
		atCapacityNsPerInsert: Math.round(atCapacity),
		ratio: +(atCapacity / filling).toFixed(2),
	};
}

const guard = measure(new ReplayGuard(CAPACITY, () => 0));
const baseline = measure(new PerInsertPruning());
const atCapacityBaselineOverGuard = +(
	baseline.atCapacityNsPerInsert / guard.atCapacityNsPerInsert
).toFixed(1);
reportWithGoals(
	{ capacity: CAPACITY, inserts: INSERTS, guard, baseline, atCapacityBaselineOverGuard },
	// Full, the guard drops old entries in batches: an insert costs a small part of pruning on every insert.
	[atLeast('atCapacityBaselineOverGuard', atCapacityBaselineOverGuard, 10)],
);
