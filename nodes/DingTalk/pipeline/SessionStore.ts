import { randomUUID } from 'crypto';

/**
 * Conversation sessions: one per conversation and sender (or one per group when shared), ending after
 * `timeoutMs` idle or on "end session", so a Digital Expert downstream can keep one thread per session.
 */
export class SessionStore {
	private readonly sessions = new Map<string, { id: string; lastActivity: number }>();
	private newSincePrune = 0;

	constructor(
		private readonly timeoutMs: number,
		private readonly now: () => number = Date.now,
		private readonly maxSessions = 50_000,
	) {}

	static keyFor(
		conversationId: string,
		senderId: string,
		sharedInGroup: boolean,
		isGroup: boolean,
	): string {
		return isGroup && sharedInGroup ? `${conversationId}` : `${conversationId}|${senderId}`;
	}

	/** The session for this key, new when none or the last one idled out. */
	touch(key: string): { sessionId: string; isNewSession: boolean } {
		const now = this.now();
		const current = this.sessions.get(key);
		if (current && now - current.lastActivity <= this.timeoutMs) {
			current.lastActivity = now;
			this.sessions.delete(key);
			this.sessions.set(key, current); // most recent last, for pruning
			return { sessionId: current.id, isNewSession: false };
		}
		const session = { id: randomUUID(), lastActivity: now };
		this.sessions.delete(key);
		this.sessions.set(key, session);
		// Pruning walks the Map from its oldest entry, over the holes deletions leave there: per new session, at
		// capacity, that cost every message a walk. In batches (down to 90 %, or every 1024 new sessions for idle
		// ones) it costs O(1) per message, as in the Deduplicator.
		if (this.sessions.size > this.maxSessions || ++this.newSincePrune >= 1024) this.prune(now);
		return { sessionId: session.id, isNewSession: true };
	}

	/** Ends a session; returns its ID when there was one. */
	end(key: string): string | undefined {
		const current = this.sessions.get(key);
		this.sessions.delete(key);
		return current && this.now() - current.lastActivity <= this.timeoutMs ? current.id : undefined;
	}

	get size(): number {
		return this.sessions.size;
	}

	/** Least recently active first (Map order): drops idle sessions, and active ones beyond 90 % of the bound. */
	private prune(now: number): void {
		this.newSincePrune = 0;
		const target = Math.floor(this.maxSessions * 0.9);
		for (const [key, session] of this.sessions) {
			if (this.sessions.size <= target && now - session.lastActivity <= this.timeoutMs) break;
			this.sessions.delete(key);
		}
	}
}
