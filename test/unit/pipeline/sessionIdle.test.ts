/** Conversation sessions at their edges: idle for exactly the timeout, ended late, and at capacity. */
import { SessionStore } from '../../../nodes/DingTalk/pipeline/SessionStore';

const TIMEOUT = 1000;

describe('SessionStore: idle timeout and capacity', () => {
	it('keeps a session idle for exactly the timeout, and starts a new one a millisecond later', () => {
		let now = 0;
		const store = new SessionStore(TIMEOUT, () => now);
		const first = store.touch('c|u');
		now = TIMEOUT;
		expect(store.touch('c|u')).toEqual({ sessionId: first.sessionId, isNewSession: false });
		now = 2 * TIMEOUT + 1;
		expect(store.touch('c|u').isNewSession).toBe(true);
	});

	it('ends a session with its ID while it lasts, and reports none once it idled out or never was', () => {
		let now = 0;
		const store = new SessionStore(TIMEOUT, () => now);
		const live = store.touch('live');
		const idle = store.touch('idle');
		now = TIMEOUT;
		expect(store.end('live')).toBe(live.sessionId);
		now = TIMEOUT + 1;
		expect(store.end('idle')).toBeUndefined();
		expect(idle.sessionId).toBeTruthy();
		expect(store.end('never')).toBeUndefined();
		expect(store.size).toBe(0);
	});

	it('at capacity drops the least recently active sessions and keeps the latest', () => {
		let now = 0;
		const store = new SessionStore(60 * TIMEOUT, () => now, 100);
		const kept: Record<string, string> = {};
		for (let i = 0; i < 101; i++) {
			now++;
			kept[`s${i}`] = store.touch(`s${i}`).sessionId;
		}
		expect(store.size).toBeLessThanOrEqual(90);
		expect(store.touch('s100')).toEqual({ sessionId: kept.s100, isNewSession: false });
		expect(store.touch('s0').isNewSession).toBe(true);
	});

	it('a touch makes a session the most recent: it outlives older ones at capacity', () => {
		let now = 0;
		const store = new SessionStore(60 * TIMEOUT, () => now, 100);
		const oldest = store.touch('oldest');
		for (let i = 0; i < 99; i++) {
			now++;
			store.touch(`s${i}`);
		}
		store.touch('oldest');
		store.touch('one-more');
		expect(store.touch('oldest')).toEqual({ sessionId: oldest.sessionId, isNewSession: false });
		expect(store.touch('s0').isNewSession).toBe(true);
	});
});

describe('SessionStore: pruning at its edges', () => {
	it('over capacity ends exactly the least recently active sessions beyond 90 %', () => {
		let now = 0;
		const store = new SessionStore(60 * TIMEOUT, () => now, 100);
		const ids: string[] = [];
		for (let i = 0; i < 101; i++) {
			now++;
			ids.push(store.touch(`s${i}`).sessionId);
		}
		// 101 down to 90: s0..s10 ended.
		expect(store.size).toBe(90);
		expect(store.touch('s11')).toEqual({ sessionId: ids[11], isNewSession: false });
		expect(store.touch('s10').isNewSession).toBe(true);
	});

	it('over capacity keeps a session idle for exactly the timeout', () => {
		let now = 0;
		const store = new SessionStore(TIMEOUT, () => now, 10);
		store.touch('older-1');
		store.touch('older-2');
		const edge = store.touch('edge');
		now = TIMEOUT;
		// The eighth new session makes 11: pruned down to 9, the two older ones.
		for (let i = 0; i < 8; i++) store.touch(`new-${i}`);
		expect(store.size).toBe(9);
		expect(store.touch('edge')).toEqual({ sessionId: edge.sessionId, isNewSession: false });
	});

	it('every 1024th new session walks the store: down to 90 % of capacity', () => {
		let now = 0;
		const store = new SessionStore(60 * TIMEOUT, () => now, 1100);
		const ids: string[] = [];
		for (let i = 0; i < 1023; i++) {
			now++;
			ids.push(store.touch(`s${i}`).sessionId);
		}
		expect(store.size).toBe(1023);
		now++;
		store.touch('s1023');
		// 1024 down to 990: s0..s33 ended.
		expect(store.size).toBe(990);
		expect(store.touch('s34')).toEqual({ sessionId: ids[34], isNewSession: false });
		expect(store.touch('s33').isNewSession).toBe(true);
	});
});
