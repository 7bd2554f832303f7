/**
 * The Deduplicator's promises at their edges: a run in flight is joined however long it takes, a settled message is
 * remembered for exactly its TTL, a full store never forgets a run in flight, and the rerun budget is the one given.
 */
import { Deduplicator } from '../../../nodes/DingTalk/pipeline/Deduplicator';

const TTL = 1000;

function settle(admission: ReturnType<Deduplicator['admit']>, outcome: 'succeeded' | 'failed') {
	if (!admission.run) throw new Error('expected a run');
	admission.settle(outcome);
}

describe('Deduplicator: redelivery window', () => {
	it('remembers a settled message for exactly its TTL', () => {
		let now = 0;
		const d = new Deduplicator(TTL, 100, () => now);
		settle(d.admit('m'), 'succeeded');
		now = TTL;
		expect(d.admit('m').run).toBe(false);
		now = TTL + 1;
		expect(d.admit('m').run).toBe(true);
	});

	it('joins a redelivery to a run still in flight long after the TTL', async () => {
		let now = 0;
		const d = new Deduplicator<string>(TTL, 100, () => now);
		const first = d.admit('slow');
		now = 10 * TTL;
		const redelivery = d.admit('slow');
		expect(redelivery.run).toBe(false);
		if (!first.run || redelivery.run) return;
		first.settle('succeeded', 'done');
		expect(await redelivery.outcome).toEqual({ retry: false, value: 'done' });
	});

	it('keeps a run in flight when the store overflows with settled messages', () => {
		let now = 0;
		const d = new Deduplicator(TTL, 100, () => now);
		const inFlight = d.admit('in-flight');
		for (let i = 0; i < 500; i++) settle(d.admit(`m${i}`), 'succeeded');
		now = 5 * TTL;
		for (let i = 0; i < 1100; i++) settle(d.admit(`later${i}`), 'succeeded');
		expect(d.size).toBeLessThanOrEqual(101);
		expect(d.admit('in-flight').run).toBe(false);
		expect(inFlight.run).toBe(true);
	});

	it('at capacity drops the oldest settled messages first and keeps the newest', () => {
		const d = new Deduplicator(60 * TTL, 100, () => 0);
		for (let i = 0; i < 101; i++) settle(d.admit(`m${i}`), 'succeeded');
		// The 102nd admit prunes down to 90 %: the oldest go, the newest stay remembered.
		settle(d.admit('trigger'), 'succeeded');
		expect(d.size).toBeLessThanOrEqual(91);
		expect(d.admit('m100').run).toBe(false);
		expect(d.admit('m0').run).toBe(true);
	});

	it('runs a failing message as often as its budget says, and no more', () => {
		const d = new Deduplicator(TTL, 100, () => 0, 3);
		for (let run = 0; run < 3; run++) settle(d.admit('flaky'), 'failed');
		expect(d.admit('flaky').run).toBe(false);
	});

	it('runs a message again after a failure even when it failed at the TTL’s edge', () => {
		let now = 0;
		const d = new Deduplicator(TTL, 100, () => now);
		settle(d.admit('m'), 'failed');
		now = TTL;
		const again = d.admit('m');
		expect(again.run).toBe(true);
		settle(again, 'failed');
		expect(d.admit('m').run).toBe(false);
	});
});

describe('Deduplicator: a message that never started', () => {
	it('is forgotten, not counted as a failed run: it runs once however often a full queue refused it', async () => {
		const d = new Deduplicator(TTL, 100, () => 0);
		for (let refusal = 0; refusal < 5; refusal++) {
			const admission = d.admit('queued');
			if (!admission.run) throw new Error(`refusal ${refusal}: a message that never ran was held`);
			admission.settle('notStarted');
		}
		const first = d.admit('queued');
		const waiting = d.admit('queued');
		expect(first.run).toBe(true);
		expect(waiting.run).toBe(false);
		if (!first.run || waiting.run) return;
		first.settle('notStarted');
		// The redelivery that waited for it is told to try again: nothing ran yet.
		expect(await waiting.outcome).toEqual({ retry: true });
		settle(d.admit('queued'), 'succeeded');
		expect(d.admit('queued').run).toBe(false);
	});
});

describe('Deduplicator: pruning at the size and time bounds', () => {
	const remembered = (d: Deduplicator, id: string) => !d.admit(id).run;

	it('below its bound forgets no settled message', () => {
		const d = new Deduplicator(60 * TTL, 100, () => 0);
		for (let i = 0; i < 100; i++) settle(d.admit(`m${i}`), 'succeeded');
		expect(d.size).toBe(100);
		for (let i = 0; i < 100; i++) expect(remembered(d, `m${i}`)).toBe(true);
	});

	it('over its bound forgets exactly the oldest settled messages beyond 90 %', () => {
		const d = new Deduplicator(60 * TTL, 100, () => 0);
		for (let i = 0; i < 101; i++) settle(d.admit(`m${i}`), 'succeeded');
		settle(d.admit('trigger'), 'succeeded');
		// 101 down to 90 (m0..m10 went), then the new one.
		expect(d.size).toBe(91);
		expect(remembered(d, 'm11')).toBe(true);
		expect(remembered(d, 'm10')).toBe(false);
	});

	it('every 1024th admit forgets the messages past their TTL, and keeps one exactly its TTL old', () => {
		let now = 0;
		const d = new Deduplicator(TTL, 10_000, () => now);
		for (let i = 0; i < 10; i++) settle(d.admit(`expired${i}`), 'succeeded');
		now = 1;
		settle(d.admit('at-the-edge'), 'succeeded');
		now = 1 + TTL;
		for (let i = 0; i < 1012; i++) settle(d.admit(`fresh${i}`), 'succeeded');
		// 1023 admits: no walk yet.
		expect(d.size).toBe(1023);
		expect(remembered(d, 'at-the-edge')).toBe(true);
		expect(d.size).toBe(1013);
	});

	it('a message run again after its TTL counts as the newest: it outlives older ones at the bound', () => {
		let now = 0;
		const d = new Deduplicator(TTL, 100, () => now);
		settle(d.admit('again'), 'succeeded');
		now = TTL / 2;
		for (let i = 0; i < 30; i++) settle(d.admit(`older${i}`), 'succeeded');
		now = TTL + 1;
		settle(d.admit('again'), 'succeeded');
		for (let i = 0; i < 70; i++) settle(d.admit(`newer${i}`), 'succeeded');
		// 101 messages: the next admit prunes the 11 oldest (older0..older10).
		expect(remembered(d, 'again')).toBe(true);
		expect(remembered(d, 'older11')).toBe(true);
		expect(remembered(d, 'older10')).toBe(false);
	});

	it('at its bound forgets the expired messages before any fresh one, whatever their order in the store', () => {
		// A message whose run took long settles late: it sits before messages that settled (and expired) earlier.
		let now = 0;
		const d = new Deduplicator(TTL, 10, () => now);
		const slow = d.admit('slow');
		now = 100;
		for (let i = 0; i < 2; i++) settle(d.admit(`expired${i}`), 'succeeded');
		now = 1500;
		settle(slow, 'succeeded');
		now = 2000;
		for (let i = 0; i < 8; i++) settle(d.admit(`fresh${i}`), 'succeeded');
		// 11 messages: the next admit prunes to 9 (only the two expired ones may go), then adds its own.
		settle(d.admit('next'), 'succeeded');
		expect(d.size).toBe(10);
		// Its redelivery within the TTL must not run a second time.
		expect(remembered(d, 'slow')).toBe(true);
		for (let i = 0; i < 8; i++) expect(remembered(d, `fresh${i}`)).toBe(true);
	});

	it('a run in flight at the front does not stop the walk: expired messages behind it are forgotten', () => {
		let now = 0;
		const d = new Deduplicator(TTL, 10_000, () => now);
		const running = d.admit('running');
		for (let i = 0; i < 10; i++) settle(d.admit(`expired${i}`), 'succeeded');
		now = 1 + TTL;
		for (let i = 0; i < 1013; i++) settle(d.admit(`fresh${i}`), 'succeeded');
		// The 1024th admit since the start walked the store: the run and the fresh messages stay.
		expect(d.size).toBe(1014);
		expect(remembered(d, 'running')).toBe(true);
		settle(running, 'succeeded');
	});
});
