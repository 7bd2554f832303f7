/**
 * SessionStore at capacity (50,000 sessions, one new sender per message): time per new session with batched pruning
 * vs the per-insert pruning it replaced (kept below as the baseline, measured in the same run).
 * Prints one JSON object. Run: npx tsx bench/session-store.bench.ts
 */
import { randomUUID } from 'crypto';
import { performance } from 'perf_hooks';

import { SessionStore } from '../nodes/DingTalk/pipeline/SessionStore';
import { atLeast, reportWithGoals } from './goals';

const CAPACITY = 50_000;
const INSERTS = 200_000;

/** The previous pruning: one walk from the oldest entry on every new session. */
class PerInsertPruning {
	private readonly sessions = new Map<string, { id: string; lastActivity: number }>();
	constructor(
		private readonly timeoutMs: number,
		private readonly maxSessions: number,
	) {}
	touch(key: string, now: number): void {
		this.sessions.delete(key);
		this.sessions.set(key, { id: randomUUID(), lastActivity: now });
		for (const [oldest, session] of this.sessions) {
			if (this.sessions.size <= this.maxSessions && now - session.lastActivity <= this.timeoutMs)
				break;
			this.sessions.delete(oldest);
		}
	}
}

function microsPerInsert(touch: (key: string) => void): number {
	for (let i = 0; i < CAPACITY; i++) touch(`fill-${i}`);
	const started = performance.now();
	for (let i = 0; i < INSERTS; i++) touch(`sender-${i}`);
	return ((performance.now() - started) * 1000) / INSERTS;
}

const now = () => 0;
const batched = new SessionStore(3_600_000, now, CAPACITY);
const baseline = new PerInsertPruning(3_600_000, CAPACITY);
const baselineUs = microsPerInsert((key) => baseline.touch(key, 0));
const batchedUs = microsPerInsert((key) => batched.touch(key));
const speedup = Number((baselineUs / batchedUs).toFixed(1));
reportWithGoals(
	{
		capacity: CAPACITY,
		inserts: INSERTS,
		perInsertPruningMicros: Number(baselineUs.toFixed(2)),
		batchedPruningMicros: Number(batchedUs.toFixed(2)),
		speedup,
	},
	// Batched pruning several times cheaper per new session than pruning on every insert, at capacity.
	[atLeast('speedup', speedup, 3)],
);
