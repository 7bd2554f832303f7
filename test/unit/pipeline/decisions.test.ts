import type { IDataObject } from 'n8n-workflow';

import { isStandInAnswer } from '../../../nodes/DingTalk/api/cards';
import { DecisionKeys } from '../../../nodes/DingTalk/crypto/decisionKey';
import {
	alreadyDecidedNotice,
	type DecisionGate,
	Decisions,
	DecisionsFullError,
	NOT_AN_APPROVER_NOTICE,
} from '../../../nodes/DingTalk/pipeline/Decisions';
import { EventPipeline } from '../../../nodes/DingTalk/pipeline/EventPipeline';
import { DEFAULT_PIPELINE_OPTIONS } from '../../../nodes/DingTalk/pipeline/options';

const SCOPE = 'identity-of-the-credential';
const CARD = 'decision-11111111-2222-4333-8444-555555555555';
const A = 'manager4220';
const A2 = 'manager0002';
const B = 'eng0001';

describe('Decisions (the store)', () => {
	const approve = (decidedBy: string) => ({ decision: 'approve' as const, decidedBy });

	it('the first click runs; any other click, while it runs and after it succeeded, gets its decision', () => {
		const store = new Decisions();
		const first = store.claim(SCOPE, CARD, 'click-1', approve(A));
		expect(first.run).toBe(true);
		const during = store.claim(SCOPE, CARD, 'click-2', { decision: 'refuse', decidedBy: A2 });
		expect(during).toEqual({
			run: false,
			decided: {
				decision: 'approve',
				decidedBy: A,
				statusText: `Approved by ${A}. 已由 ${A} 批准。`,
			},
		});
		if (first.run) first.settle(true, 'Approved (task t1 done)');
		const after = store.claim(SCOPE, CARD, 'click-3', approve(A));
		expect(after).toEqual({
			run: false,
			decided: { decision: 'approve', decidedBy: A, statusText: 'Approved (task t1 done)' },
		});
	});

	it('the same click (another workflow, or a redelivery) runs again; a failure of every run forgets it', () => {
		const store = new Decisions();
		const one = store.claim(SCOPE, CARD, 'click-1', approve(A));
		const two = store.claim(SCOPE, CARD, 'click-1', approve(A));
		expect([one.run, two.run]).toEqual([true, true]);
		if (one.run) one.settle(false);
		// One run of the click still goes: the card is still being decided.
		expect(store.claim(SCOPE, CARD, 'click-2', approve(A2)).run).toBe(false);
		if (two.run) two.settle(false);
		expect(store.size).toBe(0);
		const again = store.claim(SCOPE, CARD, 'click-3', approve(A2));
		expect(again.run).toBe(true);
	});

	it('a success of one run of the click keeps the decision when another run of it fails', () => {
		const store = new Decisions();
		const one = store.claim(SCOPE, CARD, 'click-1', approve(A));
		const two = store.claim(SCOPE, CARD, 'click-1', approve(A));
		if (one.run) one.settle(true);
		if (two.run) two.settle(false);
		expect(store.claim(SCOPE, CARD, 'click-2', approve(A2)).run).toBe(false);
	});

	it('settles once per claim: a run reported failed twice does not forget a click another run still holds', () => {
		const store = new Decisions();
		const one = store.claim(SCOPE, CARD, 'click-1', approve(A));
		store.claim(SCOPE, CARD, 'click-1', approve(A));
		if (one.run) {
			one.settle(false);
			one.settle(false);
		}
		expect(store.claim(SCOPE, CARD, 'click-2', approve(A2)).run).toBe(false);
	});

	it('is keyed by credential identity: the same outTrackId under another identity is another card', () => {
		const store = new Decisions();
		const mine = store.claim(SCOPE, CARD, 'click-1', approve(A));
		if (mine.run) mine.settle(true);
		expect(store.claim('another-identity', CARD, 'click-2', approve(B)).run).toBe(true);
	});

	it('is bounded in age: a decision older than the limit is forgotten', () => {
		let now = 1_000_000;
		const store = new Decisions(10, 60_000, () => now);
		const one = store.claim(SCOPE, CARD, 'click-1', approve(A));
		if (one.run) one.settle(true);
		now += 60_001;
		expect(store.claim(SCOPE, CARD, 'click-2', approve(A2)).run).toBe(true);
	});

	it('is bounded in count: the oldest decisions go first; decisions in flight are never dropped', () => {
		const store = new Decisions(10, 60_000, () => 0);
		for (let i = 0; i < 10; i++) {
			const claim = store.claim(SCOPE, `decision-${i}`, `c${i}`, approve(A));
			if (claim.run && i < 5) claim.settle(true);
		}
		expect(store.size).toBe(10);
		expect(store.claim(SCOPE, 'decision-new', 'c-new', approve(A)).run).toBe(true);
		// Pruned to 90 %: the oldest decided went; the five in flight stayed and still answer.
		expect(store.size).toBeLessThanOrEqual(10);
		expect(store.claim(SCOPE, 'decision-0', 'c-again', approve(A2)).run).toBe(true);
		for (let i = 5; i < 10; i++)
			expect(store.claim(SCOPE, `decision-${i}`, 'c-other', approve(A2)).run).toBe(false);
		const full = new Decisions(3, 60_000, () => 0);
		for (let i = 0; i < 3; i++) full.claim(SCOPE, `decision-${i}`, `c${i}`, approve(A));
		expect(() => full.claim(SCOPE, 'decision-x', 'cx', approve(A))).toThrow(DecisionsFullError);
	});
});

describe('Decisions (the store): its bounds at their edges', () => {
	const T0 = 1_000_000;
	const AGE = 60_000;
	const approve = (decidedBy: string) => ({ decision: 'approve' as const, decidedBy });
	const decide = (store: Decisions, card: string, deliveryId = `click-${card}`) => {
		const claim = store.claim(SCOPE, card, deliveryId, approve(A));
		if (!claim.run) throw new Error(`${card} was not claimed`);
		claim.settle(true);
	};
	const decidedBy = (store: Decisions, card: string) => {
		const claim = store.claim(SCOPE, card, 'a-later-click', approve(A2));
		return claim.run ? 'forgotten' : claim.decided.decidedBy;
	};

	it('a full store refuses a new card with "too many decisions in flight"', () => {
		const full = new Decisions(1, AGE, () => T0);
		full.claim(SCOPE, 'decision-0', 'c0', approve(A));
		expect(() => full.claim(SCOPE, 'decision-1', 'c1', approve(A))).toThrow(
			/^too many decisions in flight$/,
		);
	});

	it('a click still being decided is held however long its run takes (the age bound is for decisions)', () => {
		let now = T0;
		const store = new Decisions(10, AGE, () => now);
		store.claim(SCOPE, CARD, 'click-1', approve(A));
		now += AGE + 1;
		expect(store.claim(SCOPE, CARD, 'click-2', approve(A2))).toEqual({
			run: false,
			decided: {
				decision: 'approve',
				decidedBy: A,
				statusText: `Approved by ${A}. 已由 ${A} 批准。`,
			},
		});
	});

	it('remembers a decision for exactly its age, counted from the decision, and forgets it a millisecond later', () => {
		let now = T0;
		const store = new Decisions(10, AGE, () => now);
		const claim = store.claim(SCOPE, CARD, 'click-1', approve(A));
		now += 5;
		if (claim.run) claim.settle(true);
		now += AGE;
		expect(decidedBy(store, CARD)).toBe(A);
		now += 1;
		expect(decidedBy(store, CARD)).toBe('forgotten');
	});

	it('a later run of the deciding click that fails does not forget the decision', () => {
		const store = new Decisions();
		const first = store.claim(SCOPE, CARD, 'click-1', approve(A));
		if (first.run) first.settle(true, 'Approved (task t1 done)');
		// DingTalk redelivers the click, or another workflow gets it: it runs, and fails.
		const again = store.claim(SCOPE, CARD, 'click-1', approve(A));
		expect(again.run).toBe(true);
		if (again.run) again.settle(false);
		expect(store.claim(SCOPE, CARD, 'click-2', approve(A2))).toEqual({
			run: false,
			decided: { decision: 'approve', decidedBy: A, statusText: 'Approved (task t1 done)' },
		});
	});

	it('below its bound forgets no decision', () => {
		const store = new Decisions(20, AGE, () => T0);
		for (let i = 0; i < 19; i++) decide(store, `decision-${i}`);
		expect(store.claim(SCOPE, 'decision-new', 'c-new', approve(A)).run).toBe(true);
		expect(store.size).toBe(20);
		for (let i = 0; i < 19; i++) expect(decidedBy(store, `decision-${i}`)).toBe(A);
	});

	it('at its bound forgets only the oldest decisions beyond 90 %', () => {
		const store = new Decisions(10, AGE, () => T0);
		for (let i = 0; i < 5; i++) decide(store, `decision-${i}`);
		for (let i = 5; i < 10; i++) store.claim(SCOPE, `decision-${i}`, `c${i}`, approve(A));
		expect(store.claim(SCOPE, 'decision-new', 'c-new', approve(A)).run).toBe(true);
		// Down to 9 before the new card: only decision-0 went.
		expect(store.size).toBe(10);
		for (let i = 1; i < 5; i++) expect(decidedBy(store, `decision-${i}`)).toBe(A);
		expect(decidedBy(store, 'decision-0')).toBe('forgotten');
	});

	it('at its bound keeps a decision exactly its age old', () => {
		let now = T0;
		const store = new Decisions(10, AGE, () => now);
		decide(store, 'decision-older');
		decide(store, 'decision-at-edge');
		for (let i = 0; i < 8; i++) store.claim(SCOPE, `in-flight-${i}`, `c${i}`, approve(A));
		now = T0 + AGE;
		expect(store.claim(SCOPE, 'decision-new', 'c-new', approve(A)).run).toBe(true);
		expect(store.size).toBe(10);
		expect(decidedBy(store, 'decision-at-edge')).toBe(A);
	});

	it('at its bound also forgets every expired decision, so later cards do not push out live ones early', () => {
		let now = T0;
		const store = new Decisions(20, AGE, () => now);
		for (let i = 0; i < 3; i++) decide(store, `expired-${i}`);
		for (let i = 0; i < 17; i++) store.claim(SCOPE, `in-flight-${i}`, `c${i}`, approve(A));
		now = T0 + AGE + 1;
		// Pruned to 18 by count, then the third expired decision by age: 17, and the new card.
		decide(store, 'decided-1');
		expect(store.size).toBe(18);
		decide(store, 'decided-2');
		expect(store.claim(SCOPE, 'decision-new', 'c-new', approve(A)).run).toBe(true);
		expect(store.size).toBe(20);
		expect(decidedBy(store, 'decided-1')).toBe(A);
	});
});

describe('EventPipeline: decision clicks', () => {
	const SECRET = 'the-client-secret';
	const keys = new DecisionKeys(SECRET);
	const CONTEXT = JSON.stringify({ processInstanceId: 'pi-1', taskId: 't1' });
	const gate = (store = new Decisions()): DecisionGate => ({ scope: SCOPE, keys, store });

	/** A click as DingTalk sends it for a user: the params the template's button carries, resolved for them. */
	function click(
		userId: string,
		params: Record<string, unknown>,
		outTrackId = CARD,
	): Record<string, unknown> {
		const value = JSON.stringify({
			cardPrivateData: { actionIds: ['decision_approve'], params },
		});
		return {
			userId,
			outTrackId,
			spaceId: 'cidDirect==',
			spaceType: 'im',
			type: 'actionCallback',
			content: value,
			value,
		};
	}
	const approverClick = (userId: string, decision = 'approve', context = CONTEXT) =>
		click(userId, { decision, decisionKey: keys.keyFor(CARD, userId, context), context });

	function pipelineWith(
		decisionGate: DecisionGate | undefined,
		run: (item: IDataObject) => Promise<{ ok: boolean; response?: unknown }> = async () => ({
			ok: true,
		}),
	) {
		const items: IDataObject[] = [];
		const pipeline = new EventPipeline(
			{ ...DEFAULT_PIPELINE_OPTIONS, events: ['cardCallback'] },
			async (item) => {
				items.push(item);
				return await run(item);
			},
			Date.now,
			() => undefined,
			decisionGate,
		);
		let n = 0;
		const handle = async (data: Record<string, unknown>, messageId = `m${++n}`) =>
			await pipeline.handle({ topic: '/v1.0/card/instances/callback', messageId, data });
		return { items, handle };
	}

	const notice = (text: string) => ({
		userPrivateData: { cardParamMap: { notice: text } },
		cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
	});
	const decidedCard = (
		decision: string,
		by: string,
		statusText: string,
		privateNotice?: string,
	) => ({
		cardData: {
			cardParamMap: { decided: 'true', decision, decidedBy: by, statusText },
		},
		...(privateNotice ? { userPrivateData: { cardParamMap: { notice: privateNotice } } } : {}),
		cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
	});

	it("a listed approver's click runs once, naming the approver and carrying the context; the card shows it", async () => {
		const { items, handle } = pipelineWith(gate());
		const answer = await handle(approverClick(A));
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			event: 'cardCallback',
			userId: A,
			outTrackId: CARD,
			decision: {
				decision: 'approve',
				decidedBy: A,
				outTrackId: CARD,
				context: { processInstanceId: 'pi-1', taskId: 't1' },
			},
		});
		expect(answer).toEqual(decidedCard('approve', A, `Approved by ${A}. 已由 ${A} 批准。`));
	});

	it('a click without a key of its own (not a listed approver) starts no run and gets only the notice', async () => {
		const { items, handle } = pipelineWith(gate());
		// B has no private data: DingTalk leaves the variable empty (or, UNCONFIRMED, unreplaced).
		for (const decisionKey of ['', '${decisionKey}', keys.keyFor(CARD, A, CONTEXT)])
			expect(
				await handle(click(B, { decision: 'approve', decisionKey, context: CONTEXT })),
			).toEqual(notice(NOT_AN_APPROVER_NOTICE));
		expect(items).toHaveLength(0);
	});

	it("an approver's key for another context, card or decision value starts no run", async () => {
		const { items, handle } = pipelineWith(gate());
		const key = keys.keyFor(CARD, A, CONTEXT);
		const refused = [
			click(A, { decision: 'approve', decisionKey: key, context: '{"taskId":"t-other"}' }),
			click(A, { decision: 'approve', decisionKey: key, context: CONTEXT }, `${CARD}0`),
			click(A, { decision: 'maybe', decisionKey: key, context: CONTEXT }),
			click(A, { decision: 'approve', decisionKey: key, context: JSON.parse(CONTEXT) }),
			click(A, { decision: 'approve', decisionKey: [key], context: CONTEXT }),
		];
		for (const data of refused) expect(await handle(data)).toEqual(notice(NOT_AN_APPROVER_NOTICE));
		expect(items).toHaveLength(0);
	});

	it('a context that is not a JSON object starts no run, even with its true key', async () => {
		const { items, handle } = pipelineWith(gate());
		for (const context of ['[1]', '"x"', 'not json'])
			expect(await handle(approverClick(A, 'approve', context))).toEqual(
				notice(NOT_AN_APPROVER_NOTICE),
			);
		expect(items).toHaveLength(0);
	});

	it('a trigger without a gate refuses every decision click', async () => {
		const { items, handle } = pipelineWith(undefined);
		expect(await handle(approverClick(A))).toEqual(notice(NOT_AN_APPROVER_NOTICE));
		expect(items).toHaveLength(0);
	});

	it('a second click is answered "already decided" with the decision, and starts no run', async () => {
		const { items, handle } = pipelineWith(gate());
		await handle(approverClick(A));
		const second = await handle(approverClick(A, 'refuse'));
		expect(items).toHaveLength(1);
		expect(second).toEqual(
			decidedCard('approve', A, `Approved by ${A}. 已由 ${A} 批准。`, alreadyDecidedNotice(A)),
		);
		expect(alreadyDecidedNotice(A)).toBe(`Already decided by ${A}. 已由 ${A} 处理。`);
	});

	it('two approvers clicking at the same moment: exactly one run; the other is told who decides', async () => {
		let finish: (ok: boolean) => void = () => undefined;
		const { items, handle } = pipelineWith(
			gate(),
			async () => await new Promise((resolve) => (finish = (ok) => resolve({ ok }))),
		);
		// Its outcome is kept as a value: a failing first click fails this test, not the test process.
		const first = handle(approverClick(A)).catch((error: unknown) => error);
		const second = handle(approverClick(A2, 'refuse'));
		const other = await second;
		expect(items).toHaveLength(1);
		expect(other).toEqual(
			decidedCard('approve', A, `Approved by ${A}. 已由 ${A} 批准。`, alreadyDecidedNotice(A)),
		);
		finish(true);
		expect(await first).toEqual(decidedCard('approve', A, `Approved by ${A}. 已由 ${A} 批准。`));
	});

	it("the run's own answer goes to DingTalk, and its statusText is what later clicks are told", async () => {
		const own = {
			cardData: {
				cardParamMap: { decided: 'true', statusText: 'Task t1 approved by the manager' },
			},
			cardUpdateOptions: { updateCardDataByKey: true },
		};
		const { handle } = pipelineWith(gate(), async () => ({ ok: true, response: own }));
		expect(await handle(approverClick(A))).toEqual(own);
		expect(await handle(approverClick(A2))).toEqual(
			decidedCard('approve', A, 'Task t1 approved by the manager', alreadyDecidedNotice(A)),
		);
	});

	it("the trigger's card data for a run that did not answer is a stand-in; a run's own answer is not (it wins when several workflows answer one click)", async () => {
		const own = { cardData: { cardParamMap: { statusText: 'Task t1 approved' } } };
		const silent = pipelineWith(gate());
		expect(isStandInAnswer(await silent.handle(approverClick(A)))).toBe(true);
		const answering = pipelineWith(gate(), async () => ({ ok: true, response: own }));
		const answered = await answering.handle(approverClick(A));
		expect(answered).toBe(own);
		expect(isStandInAnswer(answered)).toBe(false);
	});

	it('a failed run forgets the decision: the click is left for redelivery and the approver may click again', async () => {
		let ok = false;
		const { items, handle } = pipelineWith(gate(), async () => ({ ok }));
		await expect(handle(approverClick(A))).rejects.toThrow('the workflow run failed');
		ok = true;
		expect(await handle(approverClick(A2, 'refuse'))).toEqual(
			decidedCard('refuse', A2, `Refused by ${A2}. 已由 ${A2} 拒绝。`),
		);
		expect(items.map((item) => (item.decision as IDataObject).decidedBy)).toEqual([A, A2]);
	});

	it('a run that could not start (the trigger closing, a full queue) forgets the decision as a failure does', async () => {
		let fail = true;
		const { items, handle } = pipelineWith(gate(), async () => {
			if (fail) throw new Error('the trigger is closing');
			return { ok: true };
		});
		await expect(handle(approverClick(A))).rejects.toThrow('the trigger is closing');
		fail = false;
		await handle(approverClick(A2));
		expect(items.map((item) => (item.decision as IDataObject).decidedBy)).toEqual([A, A2]);
	});

	it('a click refused by a full store never ran: however often it is refused, its redelivery runs once there is room', async () => {
		const store = new Decisions(1, 60_000);
		let finish: (ok: boolean) => void = () => undefined;
		const { items, handle } = pipelineWith(gate(store), async (item) =>
			item.outTrackId === CARD
				? await new Promise((resolve) => (finish = (ok) => resolve({ ok })))
				: { ok: true },
		);
		const other = 'decision-99999999-2222-4333-8444-555555555555';
		const otherClick = click(
			A,
			{
				decision: 'approve',
				decisionKey: keys.keyFor(other, A, CONTEXT),
				context: CONTEXT,
			},
			other,
		);
		// Kept as a value while the other clicks are refused: a failing first click fails this test, not the process.
		const first = handle(approverClick(A), 'click-1').catch((error: unknown) => error);
		for (let i = 0; i < 3; i++)
			await expect(handle(otherClick, 'click-2')).rejects.toThrow(DecisionsFullError);
		finish(true);
		expect(await first).toEqual(decidedCard('approve', A, `Approved by ${A}. 已由 ${A} 批准。`));
		// The card decided, it is pruned to make room (decided entries go first).
		await handle(otherClick, 'click-2');
		expect(items.map((item) => item.outTrackId)).toEqual([CARD, other]);
	});

	it('the store is shared: a second workflow gets the same click, a later click is refused in both', async () => {
		const store = new Decisions();
		const one = pipelineWith(gate(store));
		const two = pipelineWith(gate(store));
		await one.handle(approverClick(A), 'click-1');
		await two.handle(approverClick(A), 'click-1');
		expect([one.items.length, two.items.length]).toEqual([1, 1]);
		await one.handle(approverClick(A2), 'click-2');
		await two.handle(approverClick(A2), 'click-2');
		expect([one.items.length, two.items.length]).toEqual([1, 1]);
	});
});
