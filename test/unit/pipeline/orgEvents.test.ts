import { EventPipeline } from '../../../nodes/DingTalk/pipeline/EventPipeline';
import { unreadableEvent } from '../../../nodes/DingTalk/pipeline/events';
import {
	DEFAULT_PIPELINE_OPTIONS,
	type PipelineOptions,
	readPipelineOptions,
} from '../../../nodes/DingTalk/pipeline/options';
import {
	acceptsOrgEvent,
	approvalOf,
	type OrgEventFilter,
	toOrgEventItem,
	wantsEventType,
} from '../../../nodes/DingTalk/pipeline/orgEvents';
import {
	eventAck,
	eventAckStatus,
	streamSubscriptions,
} from '../../../nodes/DingTalk/stream/frames';
import {
	epochMs,
	orgEventCallback,
	orgEventFromHttp,
	orgEventFromStream,
	type OrgEventEnvelope,
	TOPIC_ORG_EVENT,
} from '../../../nodes/DingTalk/transport/orgEvents';
import {
	approvalEventData,
	EVENT_FIXTURES,
	HOSTILE_EVENT_DATA,
	httpEventPayload,
} from '../../fake-dingtalk/orgEvents';

const streamHeaders = (eventType: string, extra: Record<string, string> = {}) => ({
	messageId: 'm1',
	topic: '*',
	eventType,
	eventId: 'evt-0001',
	eventCorpId: 'dingcorp',
	eventBornTime: '1764547200000',
	...extra,
});

const envelopeOf = (eventType: string, data: Record<string, unknown>): OrgEventEnvelope => {
	const parsed = orgEventFromStream(streamHeaders(eventType), JSON.stringify(data));
	if ('problem' in parsed) throw new Error(parsed.problem);
	return parsed.envelope;
};

const filter = (over: Partial<OrgEventFilter> = {}): OrgEventFilter => ({
	orgEventTypes: ['bpms_instance_change'],
	otherEventTypes: [],
	approvalProcessCodes: [],
	approvalChangeTypes: [],
	approvalResults: [],
	...over,
});

describe('organisation event envelopes (transport)', () => {
	it('reads a Stream EVENT frame: meta from the headers, data as sent', () => {
		const data = approvalEventData({ instanceId: 'inst-1', type: 'start' });
		const parsed = orgEventFromStream(streamHeaders('bpms_instance_change'), JSON.stringify(data));
		expect(parsed).toEqual({
			envelope: {
				eventType: 'bpms_instance_change',
				eventId: 'evt-0001',
				corpId: 'dingcorp',
				bornAt: 1764547200000,
				data,
			},
		});
	});

	it('refuses frames without a usable eventType or with data that is not a JSON object', () => {
		expect(orgEventFromStream(streamHeaders(''), '{}')).toEqual({
			problem: 'event frame without a usable eventType',
		});
		expect(orgEventFromStream(streamHeaders('a b'), '{}')).toHaveProperty('problem');
		expect(orgEventFromStream(streamHeaders('x'.repeat(101)), '{}')).toHaveProperty('problem');
		for (const [, data] of HOSTILE_EVENT_DATA.filter(
			([, d]) => typeof d !== 'object' || !d || Array.isArray(d),
		))
			expect(
				orgEventFromStream(streamHeaders('user_add_org'), JSON.stringify(data)),
			).toHaveProperty('problem');
		expect(orgEventFromStream(streamHeaders('user_add_org'), '{not json')).toEqual({
			problem: 'event data is not JSON',
		});
	});

	it('without an eventId (or an oversized one), the key is a digest of the event: a redelivery gets the same one', () => {
		const data = JSON.stringify({ userId: ['a'] });
		const a = orgEventFromStream(streamHeaders('user_add_org', { eventId: '' }), data);
		const b = orgEventFromStream(
			streamHeaders('user_add_org', { eventId: 'x'.repeat(201), messageId: 'm2' }),
			data,
		);
		const other = orgEventFromStream(
			streamHeaders('user_add_org', { eventId: '' }),
			'{"userId":["b"]}',
		);
		const idOf = (p: typeof a) => ('envelope' in p ? p.envelope.eventId : '');
		expect(idOf(a)).toMatch(/^sha1-[0-9a-f]{40}$/);
		expect(idOf(b)).toBe(idOf(a));
		expect(idOf(other)).not.toBe(idOf(a));
	});

	it('reads HTTP pushes with the legacy capitalised fields and the current ones alike', () => {
		const data = EVENT_FIXTURES.user_add_org();
		const legacy = orgEventFromHttp(
			httpEventPayload('user_add_org', data, { legacy: true, eventId: 'e1' }),
		);
		const current = orgEventFromHttp({
			eventType: 'user_add_org',
			corpId: 'dingfakecorp0001',
			eventId: 'e1',
			...data,
		});
		for (const parsed of [legacy, current]) {
			if ('problem' in parsed) throw new Error(parsed.problem);
			expect(parsed.envelope).toMatchObject({
				eventType: 'user_add_org',
				eventId: 'e1',
				corpId: 'dingfakecorp0001',
				bornAt: 1764547200000,
			});
			// The several user IDs as sent, under the current name either way.
			expect(parsed.envelope.data.userId).toEqual(['eng0007', 'eng0008']);
		}
		if ('envelope' in legacy) expect(legacy.envelope.data.UserId).toEqual(['eng0007', 'eng0008']);
		expect(orgEventFromHttp({ EventType: { toString: 1 } })).toHaveProperty('problem');
	});

	it('keeps a pushed __proto__ key as data, never as a prototype', () => {
		const parsed = orgEventFromHttp(
			JSON.parse('{"EventType":"user_add_org","__proto__":{"polluted":true}}') as Record<
				string,
				unknown
			>,
		);
		if ('problem' in parsed) throw new Error(parsed.problem);
		expect(Object.getPrototypeOf(parsed.envelope.data)).toBe(Object.prototype);
		expect(Object.keys(parsed.envelope.data)).toContain('__proto__');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('reads times in seconds or milliseconds, numbers or digit strings', () => {
		expect(epochMs(1764547200)).toBe(1764547200000);
		expect(epochMs('1764547200000')).toBe(1764547200000);
		expect(epochMs('soon')).toBe(0);
		expect(epochMs(-5)).toBe(0);
		expect(epochMs(Number.NaN)).toBe(0);
	});
});

describe('organisation event filters and items (pipeline)', () => {
	it('Event Types: listed types, All, and Other Event Type by name', () => {
		expect(wantsEventType(filter(), 'bpms_instance_change')).toBe(true);
		expect(wantsEventType(filter(), 'user_add_org')).toBe(false);
		expect(wantsEventType(filter({ orgEventTypes: ['*'] }), 'anything_at_all')).toBe(true);
		const other = filter({ orgEventTypes: ['other'], otherEventTypes: ['label_user_change'] });
		expect(wantsEventType(other, 'label_user_change')).toBe(true);
		expect(wantsEventType(other, 'user_add_org')).toBe(false);
		// Names typed into Other Event Types count only while Other Event Type is selected.
		expect(
			wantsEventType(filter({ otherEventTypes: ['label_user_change'] }), 'label_user_change'),
		).toBe(false);
	});

	it('approval filters: process codes, change type, result; other event types pass them untouched', () => {
		const submitted = envelopeOf(
			'bpms_instance_change',
			approvalEventData({ processCode: 'PROC-A', type: 'start' }),
		);
		const approved = envelopeOf(
			'bpms_instance_change',
			approvalEventData({ processCode: 'PROC-A', type: 'finish', result: 'agree' }),
		);
		const refusedOther = envelopeOf(
			'bpms_instance_change',
			approvalEventData({ processCode: 'PROC-B', type: 'finish', result: 'refuse' }),
		);
		const codes = filter({ approvalProcessCodes: ['PROC-A'] });
		expect([submitted, approved, refusedOther].map((e) => acceptsOrgEvent(codes, e))).toEqual([
			true,
			true,
			false,
		]);
		const finished = filter({ approvalChangeTypes: ['finish'] });
		expect([submitted, approved, refusedOther].map((e) => acceptsOrgEvent(finished, e))).toEqual([
			false,
			true,
			true,
		]);
		const agreed = filter({ approvalResults: ['agree'] });
		expect([submitted, approved, refusedOther].map((e) => acceptsOrgEvent(agreed, e))).toEqual([
			false,
			true,
			false,
		]);
		const joined = envelopeOf('user_add_org', EVENT_FIXTURES.user_add_org());
		expect(
			acceptsOrgEvent(filter({ orgEventTypes: ['*'], approvalResults: ['agree'] }), joined),
		).toBe(true);
	});

	it('one item per event: meta, data as sent, and the normalised approval for approval events', () => {
		const data = approvalEventData({
			instanceId: 'inst-9',
			processCode: 'PROC-LEAVE',
			title: 'Leave',
			type: 'finish',
			result: 'agree',
			staffId: 'manager0001',
			createTime: 1764547200000,
			finishTime: 1764550800000,
		});
		const item = toOrgEventItem(envelopeOf('bpms_instance_change', data), 1764554400000);
		expect(item).toEqual({
			event: 'orgEvent',
			eventType: 'bpms_instance_change',
			eventId: 'evt-0001',
			corpId: 'dingcorp',
			bornAt: '2025-12-01T00:00:00.000Z',
			receivedAt: '2025-12-01T02:00:00.000Z',
			data,
			approval: {
				instanceId: 'inst-9',
				processCode: 'PROC-LEAVE',
				title: 'Leave',
				type: 'finish',
				result: 'agree',
				originatorUserId: 'manager0001',
				url: data.url,
				businessId: '202612010001',
				createdAt: '2025-12-01T00:00:00.000Z',
				finishedAt: '2025-12-01T01:00:00.000Z',
				taskId: '',
				remark: '',
			},
		});
		const task = toOrgEventItem(envelopeOf('bpms_task_change', EVENT_FIXTURES.bpms_task_change()));
		expect(task.approval).toMatchObject({ taskId: '71234567890', result: 'refuse', remark: 'no' });
		const left = toOrgEventItem(envelopeOf('user_leave_org', EVENT_FIXTURES.user_leave_org()));
		expect(left).not.toHaveProperty('approval');
		expect(left.data).toEqual({ timeStamp: 1764547200000, userId: ['sales0004'] });
	});

	it('every listed type reads into an item; wrongly typed approval fields become empty values', () => {
		for (const [type, data] of Object.entries(EVENT_FIXTURES))
			expect(toOrgEventItem(envelopeOf(type, data())).eventType).toBe(type);
		const approval = approvalOf({
			processInstanceId: { toString: 1 },
			type: ['finish'],
			result: 7,
			createTime: 'yesterday',
			finishTime: 1e300,
		});
		expect(approval).toMatchObject({
			instanceId: '',
			type: '',
			result: '7',
			createdAt: null,
			finishedAt: null,
		});
	});
});

describe('approval times (createTime / finishTime) as ISO text', () => {
	const createdAt = (createTime: unknown) => approvalOf({ createTime }).createdAt;
	const finishedAt = (finishTime: unknown) => approvalOf({ finishTime }).finishedAt;

	it('seconds below 1e11, milliseconds from 1e11 on, numbers and digit strings alike', () => {
		expect(createdAt(1764547200)).toBe('2025-12-01T00:00:00.000Z');
		expect(createdAt('1764547200')).toBe('2025-12-01T00:00:00.000Z');
		expect(createdAt(1764547200000)).toBe('2025-12-01T00:00:00.000Z');
		expect(finishedAt('1764550800000')).toBe('2025-12-01T01:00:00.000Z');
		// The edge: 99999999999 is still seconds, 100000000000 already milliseconds.
		expect(createdAt(99999999999)).toBe('5138-11-16T09:46:39.000Z');
		expect(createdAt('99999999999')).toBe('5138-11-16T09:46:39.000Z');
		expect(createdAt(100000000000)).toBe('1973-03-03T09:46:40.000Z');
		expect(createdAt('100000000000')).toBe('1973-03-03T09:46:40.000Z');
		// The smallest readable time: one second after the epoch.
		expect(createdAt(1)).toBe('1970-01-01T00:00:01.000Z');
		expect(createdAt('1')).toBe('1970-01-01T00:00:01.000Z');
	});

	it('digit strings of up to 16 digits only', () => {
		expect(createdAt('0001764547200000')).toBe('2025-12-01T00:00:00.000Z');
		expect(createdAt('00001764547200000')).toBeNull();
	});

	it('zero, negative times and anything but a number or a plain digit string read as null', () => {
		for (const value of [
			0,
			'0',
			-1,
			-1764547200,
			'-1764547200',
			' 1764547200',
			'1764547200 ',
			'+1764547200',
			'1764547200.5',
			'1.7645472e9',
			'0x69275600',
			'',
			true,
			[1764547200],
			null,
			undefined,
			Number.POSITIVE_INFINITY,
		])
			expect([value, createdAt(value)]).toEqual([value, null]);
	});
});

describe('organisation events through the event pipeline', () => {
	const options = (over: Partial<PipelineOptions> = {}): PipelineOptions => ({
		...DEFAULT_PIPELINE_OPTIONS,
		events: ['orgEvent'],
		orgEventTypes: ['bpms_instance_change'],
		...over,
	});
	const callbackOf = (type: string, data: Record<string, unknown>, eventId = 'evt-0001') => {
		const parsed = orgEventFromStream(streamHeaders(type, { eventId }), JSON.stringify(data));
		if ('problem' in parsed) throw new Error(parsed.problem);
		return orgEventCallback(parsed.envelope);
	};

	it('de-duplicates on eventId: a redelivery while the run is in flight, and after it succeeded, starts no run', async () => {
		const runs: unknown[] = [];
		let finish!: () => void;
		const pipeline = new EventPipeline(options(), async (item) => {
			runs.push(item);
			await new Promise<void>((resolve) => (finish = resolve));
			return { ok: true };
		});
		const event = callbackOf('bpms_instance_change', approvalEventData());
		const first = pipeline.handle(event);
		const inFlight = pipeline.handle({ ...event });
		await new Promise((resolve) => setTimeout(resolve, 10));
		finish();
		await Promise.all([first, inFlight]);
		await pipeline.handle({ ...event });
		expect(runs).toHaveLength(1);
	});

	it('a failed run: the handling rejects (Stream ACKs LATER), and the redelivery runs once more', async () => {
		const outcomes = [false, true];
		const runs: unknown[] = [];
		const pipeline = new EventPipeline(options(), async (item) => {
			runs.push(item);
			return { ok: outcomes.shift() ?? true };
		});
		const event = callbackOf('bpms_instance_change', approvalEventData());
		await expect(pipeline.handle(event)).rejects.toThrow('the workflow run failed');
		await pipeline.handle(event);
		await pipeline.handle(event);
		expect(runs).toHaveLength(2);
	});

	it('an event of an unselected type, or of a trigger without Organisation Events, starts no run', async () => {
		const runs: unknown[] = [];
		const emit = async (item: unknown) => (runs.push(item), { ok: true });
		await new EventPipeline(options(), emit).handle(
			callbackOf('user_add_org', EVENT_FIXTURES.user_add_org()),
		);
		await new EventPipeline(options({ events: ['message'] }), emit).handle(
			callbackOf('bpms_instance_change', approvalEventData()),
		);
		expect(runs).toHaveLength(0);
	});

	it('unreadable org-event callbacks are told apart', () => {
		expect(unreadableEvent(TOPIC_ORG_EVENT, { eventType: 'x', eventId: 'y', data: [] })).toBe(
			'event whose data is not a JSON object',
		);
		expect(unreadableEvent(TOPIC_ORG_EVENT, { eventId: 'y', data: {} })).toBe(
			'event without an eventType',
		);
	});

	it('an org-event callback needs a non-empty text eventType and eventId', () => {
		const readable = { eventType: 'user_add_org', eventId: 'evt-1', data: {} };
		expect(unreadableEvent(TOPIC_ORG_EVENT, readable)).toBeUndefined();
		for (const eventType of ['', 5, ['user_add_org'], { toString: 1 }, null])
			expect(unreadableEvent(TOPIC_ORG_EVENT, { ...readable, eventType })).toBe(
				'event without an eventType',
			);
		for (const eventId of [undefined, '', 7, ['evt-1'], { toString: 1 }, null])
			expect(unreadableEvent(TOPIC_ORG_EVENT, { ...readable, eventId })).toBe(
				'event without an eventId',
			);
	});

	it('a callback with a non-text eventType or without an eventId starts no run, even with All event types', async () => {
		const runs: unknown[] = [];
		const pipeline = new EventPipeline(options({ orgEventTypes: ['*'] }), async (item) => {
			runs.push(item);
			return { ok: true };
		});
		const data = EVENT_FIXTURES.user_add_org();
		const callback = (meta: Record<string, unknown>) => ({
			topic: TOPIC_ORG_EVENT,
			messageId: 'm1',
			data: { corpId: 'dingcorp', bornAt: 0, data, ...meta },
		});
		expect(await pipeline.handle(callback({ eventType: 5, eventId: 'evt-1' }))).toBeNull();
		expect(await pipeline.handle(callback({ eventType: '', eventId: 'evt-2' }))).toBeNull();
		expect(await pipeline.handle(callback({ eventType: 'user_add_org' }))).toBeNull();
		expect(await pipeline.handle(callback({ eventType: 'user_add_org', eventId: 7 }))).toBeNull();
		expect(await pipeline.handle(callback({ eventType: 'user_add_org', eventId: '' }))).toBeNull();
		expect(runs).toHaveLength(0);
		// The same callback with both fields as text runs.
		await pipeline.handle(callback({ eventType: 'user_add_org', eventId: 'evt-3' }));
		expect(runs).toEqual([
			expect.objectContaining({ eventType: 'user_add_org', eventId: 'evt-3' }),
		]);
	});

	it('reads the Event Types and approval filters from the node parameters', () => {
		const parameters: Record<string, unknown> = {
			events: ['orgEvent'],
			orgEventTypes: ['bpms_instance_change', 'other'],
			otherEventTypes: 'label_user_change, chat_update_title',
			approvalProcessCodes: 'PROC-A,PROC-B',
			approvalChangeTypes: ['finish'],
			approvalResults: ['agree'],
		};
		const read = readPipelineOptions(
			{
				getNodeParameter: (name, fallback) =>
					name === 'options' ? {} : (parameters[name] ?? fallback),
			},
			'en',
		);
		expect(read).toMatchObject({
			orgEventTypes: ['bpms_instance_change', 'other'],
			otherEventTypes: ['label_user_change', 'chat_update_title'],
			approvalProcessCodes: ['PROC-A', 'PROC-B'],
			approvalChangeTypes: ['finish'],
			approvalResults: ['agree'],
		});
	});
});

describe('EVENT frame ACKs and subscriptions (stream)', () => {
	it('SUCCESS when every run that wanted the event succeeded (or none did), LATER when one failed', () => {
		expect(eventAckStatus([])).toBe('SUCCESS');
		expect(eventAckStatus([{ status: 'fulfilled' }, { status: 'fulfilled' }])).toBe('SUCCESS');
		expect(eventAckStatus([{ status: 'fulfilled' }, { status: 'rejected' }])).toBe('LATER');
		expect(JSON.parse(eventAck('m1', 'LATER'))).toEqual({
			code: 200,
			headers: { contentType: 'application/json', messageId: 'm1' },
			message: 'OK',
			data: JSON.stringify({ status: 'LATER', message: 'later' }),
		});
	});

	it('subscribes EVENT * only when asked', () => {
		expect(streamSubscriptions(false).map((s) => s.type)).toEqual(['CALLBACK', 'CALLBACK']);
		expect(streamSubscriptions(true)[0]).toEqual({ type: 'EVENT', topic: '*' });
	});
});
