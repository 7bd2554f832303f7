/**
 * The EventPipeline's set-up from the trigger's options (session timeout, aggregation window and max wait), its
 * organisation events (topic routing, de-duplication per eventId), its closing (what waits is dropped, with a log line
 * for the admin; nothing runs after it), the Run Deadline's log line, and which errors count as refusals.
 */
import { EventPipeline } from '../../../nodes/DingTalk/pipeline/EventPipeline';
import {
	DEFAULT_PIPELINE_OPTIONS,
	type PipelineOptions,
} from '../../../nodes/DingTalk/pipeline/options';
import {
	orgEventCallback,
	orgEventFromStream,
	TOPIC_ORG_EVENT,
} from '../../../nodes/DingTalk/transport/orgEvents';
import { EVENT_FIXTURES } from '../../fake-dingtalk/orgEvents';
import { robotMessage as message } from '../../support/robotMessage';

const ROBOT = '/v1.0/im/bot/messages/get';

const options = (over: Partial<PipelineOptions> = {}): PipelineOptions => ({
	...DEFAULT_PIPELINE_OPTIONS,
	events: ['message', 'cardCallback', 'orgEvent'],
	orgEventTypes: ['*'],
	...over,
});

const orgEvent = (eventId: string) => {
	const parsed = orgEventFromStream(
		{
			messageId: `frame-${eventId}`,
			topic: '*',
			eventType: 'user_add_org',
			eventId,
			eventCorpId: 'dingcorp',
			eventBornTime: '1764547200000',
		},
		JSON.stringify(EVENT_FIXTURES.user_add_org()),
	);
	if ('problem' in parsed) throw new Error(parsed.problem);
	return orgEventCallback(parsed.envelope);
};

/** A pipeline whose runs are recorded (by msgIds, msgId or eventId) and whose log lines are kept. */
function recorded(over: Partial<PipelineOptions> = {}, clock: () => number = Date.now) {
	const runs: Array<Record<string, unknown>> = [];
	const warnings: string[] = [];
	const p = new EventPipeline(
		options(over),
		async (item) => (runs.push(item), { ok: true }),
		clock,
		(m) => warnings.push(m),
	);
	return { p, runs, warnings };
}

describe('EventPipeline set-up: Session Timeout and aggregation from the trigger options', () => {
	it('Session Timeout is in seconds: a message 59.999 s after the last one continues the session, 60.001 s later starts a new one', async () => {
		let now = 1_000_000;
		const { p, runs } = recorded(
			{ sessionTimeoutSeconds: 60, aggregationWindowSeconds: 0 },
			() => now,
		);
		await p.handle(message('a'));
		now += 59_999;
		await p.handle(message('b'));
		now += 60_001;
		await p.handle(message('c'));
		expect(runs.map((r) => [r.msgId, r.isNewSession])).toEqual([
			['a', true],
			['b', false],
			['c', true],
		]);
		expect(runs[1].sessionId).toBe(runs[0].sessionId);
		expect(runs[2].sessionId).not.toBe(runs[0].sessionId);
	});

	describe('aggregation window and max wait', () => {
		beforeEach(() => jest.useFakeTimers());
		afterEach(() => jest.useRealTimers());

		it('a burst that keeps the window open is held up to the Max Wait (10 s), not cut at the window (2 s)', async () => {
			const { p, runs } = recorded({ aggregationWindowSeconds: 2, aggregationMaxWaitSeconds: 10 });
			const handled = [p.handle(message('a'))];
			for (const msgId of ['b', 'c', 'd']) {
				await jest.advanceTimersByTimeAsync(1500);
				handled.push(p.handle(message(msgId)));
			}
			// 4.5 s after the first message: one window (2 s) has long passed, the max wait has not.
			expect(runs).toEqual([]);
			await jest.advanceTimersByTimeAsync(2000);
			await Promise.all(handled);
			expect(runs.map((r) => r.msgIds)).toEqual([['a', 'b', 'c', 'd']]);
		});

		it('a Max Wait shorter than the window counts as the window: the batch is sent when the window ends', async () => {
			const { p, runs } = recorded({ aggregationWindowSeconds: 3, aggregationMaxWaitSeconds: 1 });
			const handled = [p.handle(message('a'))];
			await jest.advanceTimersByTimeAsync(2000);
			handled.push(p.handle(message('b')));
			expect(runs).toEqual([]);
			await jest.advanceTimersByTimeAsync(1000);
			await Promise.all(handled);
			expect(runs.map((r) => r.msgIds)).toEqual([['a', 'b']]);
		});
	});
});

describe('EventPipeline: organisation events', () => {
	it('a callback of another topic is not run as an organisation event, even when its data reads as one', async () => {
		const { p, runs } = recorded();
		const { data } = orgEvent('evt-other-topic');
		await expect(
			p.handle({ topic: '/v1.0/some/other/topic', messageId: 'm-other', data }),
		).resolves.toBeNull();
		expect(runs).toEqual([]);
		// The same data on the organisation-event topic runs.
		await p.handle({ topic: TOPIC_ORG_EVENT, messageId: 'm-org', data });
		expect(runs.map((r) => r.eventId)).toEqual(['evt-other-topic']);
	});

	it('de-duplicates per eventId: two events each run once, a redelivery of either starts no run', async () => {
		const { p, runs } = recorded();
		await p.handle(orgEvent('evt-1'));
		await p.handle(orgEvent('evt-2'));
		await p.handle(orgEvent('evt-1'));
		await p.handle(orgEvent('evt-2'));
		expect(runs.map((r) => r.eventId)).toEqual(['evt-1', 'evt-2']);
	});

	it('an event and a message with the same ID are not taken for each other', async () => {
		const { p, runs } = recorded({ aggregationWindowSeconds: 0 });
		await p.handle(message('same-id'));
		await p.handle(orgEvent('same-id'));
		expect(runs.map((r) => [r.event, r.msgId ?? r.eventId])).toEqual([
			['message', 'same-id'],
			['orgEvent', 'same-id'],
		]);
	});
});

describe('EventPipeline.close', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it('dropping messages that wait for the aggregation window tells the admin how many, and that DingTalk redelivers them', async () => {
		const { p, runs, warnings } = recorded({ aggregationWindowSeconds: 2 });
		const pending = [p.handle(message('a')), p.handle(message('b'))];
		await Promise.resolve();
		p.close('drop');
		for (const handled of pending) await expect(handled).rejects.toThrow('the workflow run failed');
		expect(warnings).toEqual([
			'DingTalk Trigger: closing; 2 message(s) waiting for the aggregation window start no run (left for DingTalk to redeliver unless already ACKed)',
		]);
		expect(runs).toEqual([]);
	});

	it('closing with nothing waiting logs nothing', async () => {
		const { p, warnings } = recorded({ aggregationWindowSeconds: 2 });
		p.close('drop');
		const withoutAggregation = recorded({ aggregationWindowSeconds: 0 });
		withoutAggregation.p.close('drop');
		const flushed = recorded({ aggregationWindowSeconds: 2 });
		const pending = flushed.p.handle(message('flushed'));
		await Promise.resolve();
		flushed.p.close('flush');
		await expect(pending).resolves.toBeNull();
		expect([warnings, withoutAggregation.warnings, flushed.warnings]).toEqual([[], [], []]);
		expect(flushed.runs.map((r) => r.msgIds)).toEqual([['flushed']]);
	});

	it('a redelivery waiting on a run that fails after close starts no second run: it is refused as the trigger is closing', async () => {
		jest.useRealTimers();
		const finish: Array<(ok: boolean) => void> = [];
		let runs = 0;
		const p = new EventPipeline(options({ aggregationWindowSeconds: 0 }), async () => {
			runs++;
			return { ok: await new Promise<boolean>((resolve) => finish.push(resolve)) };
		});
		const first = p.handle(message('x'));
		const redelivery = p.handle(message('x'));
		await new Promise((resolve) => setImmediate(resolve));
		p.close('drop');
		finish.shift()?.(false);
		await expect(first).rejects.toThrow('the workflow run failed');
		await expect(redelivery).rejects.toThrow(/^the trigger is closing$/);
		expect(runs).toBe(1);
	});
	it('that redelivery is refused at close itself, before the aggregation window would have ended, and leaves no timer', async () => {
		jest.useFakeTimers();
		try {
			const { p, runs } = recorded({ aggregationWindowSeconds: 1 });
			const first = p.handle(message('a'));
			const redelivery = p.handle(message('a'));
			await jest.advanceTimersByTimeAsync(0);
			p.close('drop');
			await expect(first).rejects.toThrow('the workflow run failed');
			// No time passes: aggregated again, it would wait for the window's timer and this would never settle.
			await expect(redelivery).rejects.toThrow(/^the trigger is closing$/);
			expect(jest.getTimerCount()).toBe(0);
			expect(runs).toEqual([]);
		} finally {
			jest.useRealTimers();
		}
	});

	it('a redelivery waiting on a message dropped at close is refused, not aggregated again: nothing is left to run or log later', async () => {
		jest.useRealTimers();
		const { p, runs, warnings } = recorded({ aggregationWindowSeconds: 1 });
		const first = p.handle(message('a'));
		const redelivery = p.handle(message('a'));
		await new Promise((resolve) => setImmediate(resolve));
		p.close('drop');
		await expect(first).rejects.toThrow('the workflow run failed');
		await expect(redelivery).rejects.toThrow(/^the trigger is closing$/);
		// Closing again (the trigger's close and the connection's) drops nothing more and logs nothing more.
		p.close('flush');
		p.close('drop');
		await new Promise((resolve) => setTimeout(resolve, 1100));
		expect(runs).toEqual([]);
		expect(warnings).toEqual([
			'DingTalk Trigger: closing; 1 message(s) waiting for the aggregation window start no run (left for DingTalk to redeliver unless already ACKed)',
		]);
	});
});

describe('EventPipeline: the Run Deadline', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it('logs which run outlived its deadline and that its message is ACKed so DingTalk stops redelivering it', async () => {
		const warnings: string[] = [];
		const p = new EventPipeline(
			options({ runDeadlineSeconds: 7 }),
			async () => await new Promise<never>(() => undefined),
			Date.now,
			(m) => warnings.push(m),
		);
		const handled = p.handle(orgEvent('evt-slow'));
		await jest.advanceTimersByTimeAsync(7000);
		await expect(handled).resolves.toBeNull();
		expect(warnings).toEqual([
			'DingTalk Trigger: the run for evt-slow still runs after 7 s (Run Deadline); ACKing its message so DingTalk stops redelivering it',
		]);
	});
	it('names a message without a msgId as "an event" (not an empty name)', async () => {
		const warnings: string[] = [];
		const p = new EventPipeline(
			options({ runDeadlineSeconds: 7, aggregationWindowSeconds: 0 }),
			async () => await new Promise<never>(() => undefined),
			Date.now,
			(m) => warnings.push(m),
		);
		const { msgId: _absent, ...data } = message('unused').data;
		const handled = p.handle({ topic: ROBOT, messageId: 'frame-without-msgId', data });
		await jest.advanceTimersByTimeAsync(7000);
		await expect(handled).resolves.toBeNull();
		expect(warnings).toEqual([
			'DingTalk Trigger: the run for an event still runs after 7 s (Run Deadline); ACKing its message so DingTalk stops redelivering it',
		]);
	});
});

describe('EventPipeline: a failed run is not a refusal', () => {
	it('a run that throws counts as failed: after two such runs, later deliveries are ACKed without a third run', async () => {
		let runs = 0;
		const p = new EventPipeline(options(), async () => {
			runs++;
			throw new Error('the n8n execution crashed');
		});
		await expect(p.handle(orgEvent('evt-crash'))).rejects.toThrow('the n8n execution crashed');
		await expect(p.handle(orgEvent('evt-crash'))).rejects.toThrow('the n8n execution crashed');
		await expect(p.handle(orgEvent('evt-crash'))).resolves.toBeNull();
		expect(runs).toBe(2);
	});
});
