import type { IDataObject } from 'n8n-workflow';

import { Aggregator } from '../../nodes/DingTalk/pipeline/Aggregator';
import { Deduplicator } from '../../nodes/DingTalk/pipeline/Deduplicator';
import { EventPipeline } from '../../nodes/DingTalk/pipeline/EventPipeline';
import { RunQueueFullError } from '../../nodes/DingTalk/pipeline/RunLimiter';
import {
	DEFAULT_PIPELINE_OPTIONS,
	type PipelineOptions,
} from '../../nodes/DingTalk/pipeline/options';
import {
	mediaOf,
	toCardCallbackEvent,
	toMessageEvent,
	unreadableEvent,
} from '../../nodes/DingTalk/pipeline/events';
import { SessionStore } from '../../nodes/DingTalk/pipeline/SessionStore';
import {
	callbackAck,
	parseCallbackData,
	parseDownstream,
} from '../../nodes/DingTalk/stream/frames';
import { robotMessage as message } from '../support/robotMessage';

const ROBOT = '/v1.0/im/bot/messages/get';
const CARD = '/v1.0/card/instances/callback';
/** An object that is not an array or null (written here, not imported: the tests' oracles stay independent). */
const isPlainObject = (value: unknown): boolean =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

describe('Stream frames', () => {
	it('accepts the documented robot frame and refuses bad ones with a reason', () => {
		const good = parseDownstream(
			JSON.stringify({
				specVersion: '1.0',
				type: 'CALLBACK',
				headers: { messageId: 'm1', topic: ROBOT, time: '1' },
				data: '{"msgId":"x"}',
			}),
		);
		expect('frame' in good && parseCallbackData(good.frame)).toEqual({ msgId: 'x' });
		expect(parseDownstream('nope')).toEqual({ problem: 'frame is not JSON' });
		expect(parseDownstream('{"type":"OTHER","headers":{}}')).toEqual({
			problem: 'unknown frame type',
		});
		expect(parseDownstream('{"type":"CALLBACK","headers":{"topic":"x"}}')).toEqual({
			problem: 'frame headers lack messageId or topic',
		});
		expect(parseDownstream(`"${'x'.repeat(1024 * 1024 + 1)}"`)).toMatchObject({
			problem: expect.stringMatching(/exceeds/),
		});
	});
	it('ACKs with the same messageId and {"response": …} as a JSON string', () => {
		expect(JSON.parse(callbackAck('m1', { a: 1 }))).toEqual({
			code: 200,
			headers: { contentType: 'application/json', messageId: 'm1' },
			message: 'OK',
			data: '{"response":{"a":1}}',
		});
	});
});

describe('events', () => {
	it('flattens a group text message, strips the @mention, keeps the raw payload', () => {
		const data = {
			conversationId: 'cid1==',
			atUsers: [{ dingtalkId: 'bot' }],
			chatbotUserId: 'bot',
			msgId: 'msg1',
			senderNick: '张伟',
			isAdmin: true,
			senderStaffId: 'u1',
			sessionWebhookExpiredTime: 5,
			createAt: 4,
			conversationType: '2',
			conversationTitle: 'Team',
			isInAtList: true,
			sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=x',
			text: { content: ' 测试数据 ' },
			robotCode: 'ding1',
			msgtype: 'text',
		};
		expect(toMessageEvent(data, 0)).toMatchObject({
			event: 'message',
			text: '测试数据',
			rawText: ' 测试数据 ',
			conversationType: 'group',
			isMentioned: true,
			senderIsAdmin: true,
			msgId: 'msg1',
			raw: data,
		});
	});
	it('reads rich text, audio recognition and files', () => {
		expect(
			toMessageEvent({
				msgtype: 'richText',
				content: { richText: [{ text: 'a' }, { type: 'picture' }, { text: 'b' }] },
			}).text,
		).toBe('ab');
		expect(toMessageEvent({ msgtype: 'audio', content: { recognition: '你好' } }).text).toBe(
			'你好',
		);
		expect(toMessageEvent({ msgtype: 'picture', content: {} })).toMatchObject({
			text: '',
			messageType: 'picture',
			conversationType: 'direct',
		});
	});
	it('finds the downloadable files of picture, file and rich-text messages', () => {
		expect(
			mediaOf({ msgtype: 'picture', content: { pictureDownloadCode: 'p1', downloadCode: 'p1' } }),
		).toEqual([{ type: 'picture', downloadCode: 'p1' }]);
		expect(
			mediaOf({ msgtype: 'file', content: { downloadCode: 'f1', fileName: 'a.zip' } }),
		).toEqual([{ type: 'file', downloadCode: 'f1', fileName: 'a.zip' }]);
		expect(
			mediaOf({
				msgtype: 'richText',
				content: {
					richText: [
						{ text: 'x' },
						{ type: 'picture', downloadCode: 'r1' },
						{ type: 'picture', pictureDownloadCode: 'r2' },
					],
				},
			}),
		).toEqual([
			{ type: 'picture', downloadCode: 'r1' },
			{ type: 'picture', downloadCode: 'r2' },
		]);
		expect(mediaOf({ msgtype: 'text', text: { content: 'hi' } })).toEqual([]);
	});
	it('parses a card callback (content/value are JSON strings)', () => {
		const value = JSON.stringify({
			cardPrivateData: { actionIds: ['btn1'], params: { action: 'like' } },
		});
		expect(
			toCardCallbackEvent(
				{
					userId: 'u1',
					outTrackId: 'o1',
					spaceId: 'cid',
					spaceType: 'im',
					type: 'actionCallback',
					content: value,
					value,
				},
				0,
			),
		).toMatchObject({
			event: 'cardCallback',
			userId: 'u1',
			outTrackId: 'o1',
			actionIds: ['btn1'],
			params: { action: 'like' },
		});
	});
});

describe('wrongly typed payloads (every byte from DingTalk is hostile)', () => {
	// Values JSON can carry that break naive reads: String() and Number() throw on the first two, .map on the rest; the
	// empty string is what a required field must not be.
	const hostile: unknown[] = [
		{ toString: 1 },
		{ toString: 1, valueOf: 1 },
		'x',
		'',
		42,
		true,
		null,
		[],
		{},
		[[1]],
		[{ toString: 1 }],
	];
	const messages: Record<string, Record<string, unknown>> = {
		text: { text: { content: ' hi ' } },
		richText: { content: { richText: [{ text: 'a' }, { type: 'picture', downloadCode: 'r1' }] } },
		picture: { content: { downloadCode: 'p1', pictureDownloadCode: 'p1' } },
		audio: { content: { recognition: 'hello', downloadCode: 'a1', duration: 3 } },
		video: { content: { downloadCode: 'v1', videoType: 'mp4' } },
		file: { content: { downloadCode: 'f1', fileName: 'a.zip' } },
		unknownMsgType: { content: { unknownMsgType: 'not supported' } },
	};
	const base = (msgtype: string): Record<string, unknown> => ({
		msgId: `m-${msgtype}`,
		msgtype,
		conversationId: 'cid1',
		conversationType: '2',
		conversationTitle: 'Team',
		atUsers: [{ dingtalkId: 'bot', staffId: 's' }],
		chatbotUserId: 'bot',
		isInAtList: true,
		isAdmin: false,
		senderId: 'sender',
		senderStaffId: 'u1',
		senderNick: 'Nick',
		robotCode: 'ding1',
		sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=x',
		sessionWebhookExpiredTime: 5,
		createAt: 4,
		...messages[msgtype],
	});
	/** Every field, and every field inside `text` and `content` (and the first rich-text part), replaced in turn. */
	function* variants(
		payload: Record<string, unknown>,
	): Generator<[string, Record<string, unknown>]> {
		for (const key of Object.keys(payload)) {
			for (const value of hostile)
				yield [`${key} = ${JSON.stringify(value)}`, { ...payload, [key]: value }];
			const inner = payload[key];
			if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) continue;
			for (const [field, fieldValue] of Object.entries(inner)) {
				for (const value of hostile)
					yield [
						`${key}.${field} = ${JSON.stringify(value)}`,
						{ ...payload, [key]: { ...inner, [field]: value } },
					];
				if (Array.isArray(fieldValue) && typeof fieldValue[0] === 'object') {
					for (const part of Object.keys(fieldValue[0] as object)) {
						for (const value of hostile) {
							const parts = [
								{ ...(fieldValue[0] as object), [part]: value },
								...fieldValue.slice(1),
							];
							yield [
								`${key}.${field}[0].${part} = ${JSON.stringify(value)}`,
								{ ...payload, [key]: { ...inner, [field]: parts } },
							];
						}
					}
				}
			}
		}
	}
	const options: PipelineOptions = {
		...DEFAULT_PIPELINE_OPTIONS,
		events: ['message', 'cardCallback'],
		aggregationWindowSeconds: 0,
	};
	const expectNormalised = (item: Record<string, unknown>) => {
		for (const key of [
			'text',
			'rawText',
			'messageType',
			'msgId',
			'senderStaffId',
			'conversationId',
			'sessionId',
			'sessionWebhook',
			'robotCode',
		]) {
			expect(typeof item[key]).toBe('string');
		}
		expect(Number.isFinite(item.sessionWebhookExpiredTime) && Number.isFinite(item.createdAt)).toBe(
			true,
		);
		expect(Array.isArray(item.mentionedUsers)).toBe(true);
	};

	it.each(Object.keys(messages))(
		'%s message: each wrongly typed field gives a normalised item or a refusal, never a throw',
		async (msgtype) => {
			let cases = 0;
			const outcomes: string[] = [];
			const expected: string[] = [];
			for (const [label, data] of variants(base(msgtype))) {
				cases++;
				const emitted: Array<Record<string, unknown>> = [];
				const p = new EventPipeline(
					{ ...options, groupMentionsOnly: false },
					async (item) => (emitted.push(item), { ok: true }),
				);
				const outcome = await p.handle({ topic: ROBOT, messageId: `frame-${cases}`, data }).then(
					() => 'resolved',
					(error: Error) => `threw on ${label}: ${error.message}`,
				);
				expect(outcome).toBe('resolved');
				expect(() => mediaOf(data as IDataObject)).not.toThrow();
				// The oracle: only the fields that say what a message is (its type, conversation and ID) refuse it, and only
				// when they are not a non-empty string; every other field, and everything inside text and content, is
				// normalised.
				const field = label.slice(0, label.indexOf(' = '));
				const mustRefuse =
					['msgtype', 'conversationId', 'msgId'].includes(field) &&
					(typeof data[field] !== 'string' || data[field] === '');
				expected.push(`${label}: ${mustRefuse ? 'refused' : 'emitted'}`);
				outcomes.push(`${label}: ${emitted.length ? 'emitted' : 'refused'}`);
				if (emitted.length) {
					expect(emitted).toHaveLength(1);
					expectNormalised(emitted[0]);
				}
			}
			expect(cases).toBeGreaterThan(150);
			expect(outcomes).toEqual(expected);
			// 3 fields x the 10 hostile values that are not a non-empty string.
			expect(expected.filter((e) => e.endsWith('refused'))).toHaveLength(30);
		},
	);

	it('refuses a message only when its type, conversation or ID cannot be read', () => {
		const good = base('text');
		expect(unreadableEvent(ROBOT, good)).toBeUndefined();
		expect(unreadableEvent(ROBOT, { ...good, msgtype: { toString: 1 } })).toBe(
			'robot message without a msgtype',
		);
		expect(unreadableEvent(ROBOT, { ...good, conversationId: ['cid'] })).toBe(
			'robot message without a conversationId',
		);
		expect(unreadableEvent(ROBOT, { ...good, msgId: 7 })).toBe(
			'robot message whose msgId is not a string',
		);
		expect(
			toMessageEvent({
				...(good as IDataObject),
				atUsers: 'x',
				sessionWebhookExpiredTime: { toString: 1 },
				text: { content: { a: 1 } },
			}),
		).toMatchObject({
			mentionedUsers: [],
			sessionWebhookExpiredTime: 0,
			text: '',
			isMentioned: true,
		});
	});

	it('card callbacks: each wrongly typed field gives a normalised item or a refusal, never a throw', async () => {
		const privateData = {
			actionIds: ['end_session', 'b2'],
			params: { action: 'end_session', n: 1 },
		};
		/** Each payload with what the test expects of it: refused (unreadable) or emitted. */
		const payloads: Array<[string, Record<string, unknown>, 'refused' | 'emitted']> = [];
		const card = (value: unknown, extra: Record<string, unknown> = {}) => ({
			userId: 'u1',
			outTrackId: 'o1',
			spaceId: 'cid1',
			spaceType: 'IM_GROUP',
			type: 'actionCallback',
			content: JSON.stringify(value),
			value: JSON.stringify(value),
			...extra,
		});
		/*
		 * The oracle, from what a card callback needs to be handled at all: the card instance (`outTrackId`, a non-empty
		 * string) and what was clicked (`value`: a JSON object or a JSON string of one; when absent, `content`). Every
		 * other field — who clicked, where, its type, the private data inside the value — is normalised, never refused.
		 */
		const refusedWhen: Record<string, (value: unknown) => boolean> = {
			outTrackId: (value) => typeof value !== 'string' || value === '',
			value: (value) => value !== null && !isPlainObject(value),
		};
		for (const value of hostile) {
			for (const key of Object.keys(card({})))
				payloads.push([
					`${key} = ${JSON.stringify(value)}`,
					card({ cardPrivateData: privateData }, { [key]: value }),
					refusedWhen[key]?.(value) ? 'refused' : 'emitted',
				]);
			payloads.push([
				`cardPrivateData = ${JSON.stringify(value)}`,
				card({ cardPrivateData: value }),
				'emitted',
			]);
			payloads.push([
				`actionIds = ${JSON.stringify(value)}`,
				card({ cardPrivateData: { ...privateData, actionIds: value } }),
				'emitted',
			]);
			payloads.push([
				`params = ${JSON.stringify(value)}`,
				card({ cardPrivateData: { ...privateData, params: value } }),
				'emitted',
			]);
			payloads.push([
				`params.action = ${JSON.stringify(value)}`,
				card({ cardPrivateData: { ...privateData, params: { action: value } } }),
				'emitted',
			]);
			payloads.push([
				`value object, actionIds = ${JSON.stringify(value)}`,
				card(null, { value: { cardPrivateData: { actionIds: value } } }),
				'emitted',
			]);
		}
		payloads.push(['value is not JSON', card(null, { value: '{', content: '{' }), 'refused']);
		const outcomes: string[] = [];
		for (const [index, [label, data]] of payloads.entries()) {
			const emitted: Array<Record<string, unknown>> = [];
			const p = new EventPipeline(options, async (item) => (emitted.push(item), { ok: true }));
			const outcome = await p.handle({ topic: CARD, messageId: `card-${index}`, data }).then(
				() => 'resolved',
				(error: Error) => `threw on ${label}: ${error.message}`,
			);
			expect(outcome).toBe('resolved');
			if (emitted.length === 0) {
				outcomes.push(`${label}: refused`);
				continue;
			}
			outcomes.push(`${label}: emitted`);
			expect(emitted).toHaveLength(1);
			const item = emitted[0];
			for (const key of ['userId', 'outTrackId', 'conversationId', 'spaceType'])
				expect(typeof item[key]).toBe('string');
			expect(
				Array.isArray(item.actionIds) &&
					(item.actionIds as unknown[]).every((id) => typeof id === 'string'),
			).toBe(true);
			expect(
				typeof item.params === 'object' && item.params !== null && !Array.isArray(item.params),
			).toBe(true);
		}
		// Exactly the payloads the oracle refuses are refused; every other one reaches the workflow.
		expect(outcomes).toEqual(payloads.map(([label, , expected]) => `${label}: ${expected}`));
		const expectedRefusals = payloads.filter(([, , expected]) => expected === 'refused');
		// outTrackId: 10 of the 11 hostile values ('x' is a string); value: 7 ('x', '', 42, true, 3 arrays); not JSON.
		expect(expectedRefusals).toHaveLength(18);
		expect(payloads.length).toBeGreaterThan(100);
		expect(unreadableEvent(CARD, card(null, { value: '{', content: '{' }))).toBe(
			'card callback whose value is not a JSON object',
		);
		expect(unreadableEvent(CARD, card({}, { outTrackId: 5 }))).toBe(
			'card callback without an outTrackId',
		);
		expect(
			toCardCallbackEvent(card({ cardPrivateData: { actionIds: {}, params: 'x' } })),
		).toMatchObject({ actionIds: [], params: {} });
	});
});

describe('Deduplicator', () => {
	it('joins redeliveries to the run in flight, drops them after success, allows one rerun after failure', async () => {
		const d = new Deduplicator<string>();
		const first = d.admit('m');
		expect(first.run).toBe(true);
		const duplicate = d.admit('m');
		expect(duplicate.run).toBe(false);
		if (first.run) first.settle('succeeded', 'ok');
		if (!duplicate.run) expect(await duplicate.outcome).toEqual({ retry: false, value: 'ok' });
		expect(d.admit('m').run).toBe(false);
		const f = d.admit('f');
		if (f.run) f.settle('failed');
		const retry = d.admit('f');
		expect(retry.run).toBe(true);
		if (retry.run) retry.settle('failed');
		expect(d.admit('f').run).toBe(false);
	});
	it('a redelivery waiting on a run that fails is told to run again (never ACKed away), once', async () => {
		const d = new Deduplicator<string>();
		const first = d.admit('m');
		const waiting = d.admit('m');
		if (!first.run || waiting.run) throw new Error('expected one run and one waiter');
		first.settle('failed');
		expect(await waiting.outcome).toEqual({ retry: true, value: undefined });
		const second = d.admit('m');
		const waitingAgain = d.admit('m');
		if (!second.run || waitingAgain.run) throw new Error('expected the retry to run');
		second.settle('failed');
		// Two failed runs: the message is given up (the waiter gets no retry).
		expect(await waitingAgain.outcome).toEqual({ retry: false, value: undefined });
	});
	it('stays bounded and forgets after its TTL', () => {
		let now = 0;
		const d = new Deduplicator(1000, 100, () => now);
		for (let i = 0; i < 1000; i++) {
			const a = d.admit(`m${i}`);
			if (a.run) a.settle('succeeded');
		}
		expect(d.size).toBeLessThanOrEqual(101);
		now = 5000;
		expect(d.admit('m999').run).toBe(true);
		for (let i = 0; i < 1024; i++) {
			const a = d.admit(`later${i}`);
			if (a.run) a.settle('succeeded');
		}
		expect(d.size).toBeLessThanOrEqual(101);
	});
});

describe('SessionStore', () => {
	it('keeps a session while active, renews after the timeout, ends on request', () => {
		let now = 0;
		const s = new SessionStore(1000, () => now);
		const a = s.touch('c|u');
		expect(a.isNewSession).toBe(true);
		now = 900;
		expect(s.touch('c|u')).toEqual({ sessionId: a.sessionId, isNewSession: false });
		now = 1850;
		expect(s.touch('c|u').sessionId).toBe(a.sessionId);
		now = 2900;
		const b = s.touch('c|u');
		expect(b.isNewSession).toBe(true);
		expect(b.sessionId).not.toBe(a.sessionId);
		expect(s.end('c|u')).toBe(b.sessionId);
		expect(s.touch('c|u').isNewSession).toBe(true);
	});
	it('stays bounded and prunes in batches, not on every new session (counted, not timed)', () => {
		let now = 0;
		const store = new SessionStore(60_000, () => now, 1000);
		// Every prune is one walk over the Map from its oldest entry: count the walks.
		const sessions = (store as unknown as { sessions: Map<string, unknown> }).sessions;
		let walks = 0;
		const iterate = sessions[Symbol.iterator].bind(sessions);
		Object.defineProperty(sessions, Symbol.iterator, { value: () => (walks++, iterate()) });
		const hot = store.touch('hot');
		let largest = 0;
		for (let i = 0; i < 10_000; i++) {
			now++;
			store.touch(`sender-${i}`);
			expect(store.touch('hot')).toEqual({ sessionId: hot.sessionId, isNewSession: false }); // active: never evicted
			largest = Math.max(largest, store.size);
		}
		expect(largest).toBeLessThanOrEqual(1000);
		// At capacity a walk frees 10 % (100 sessions); the every-1024 walk for idle sessions adds ~10.
		expect(walks).toBeLessThanOrEqual(10_000 / 100 + 10_000 / 1024 + 1);
	});
	it('batched pruning still forgets idle sessions', () => {
		let now = 0;
		const store = new SessionStore(1000, () => now);
		for (let i = 0; i < 2000; i++) store.touch(`early-${i}`);
		now = 2000;
		for (let i = 0; i < 1024; i++) store.touch(`late-${i}`);
		expect(store.size).toBe(1024);
		expect(store.touch('late-0').isNewSession).toBe(false);
		expect(store.touch('early-0').isNewSession).toBe(true);
	});
	it('keys per sender, or per group when shared', () => {
		expect(SessionStore.keyFor('g', 'u', false, true)).toBe('g|u');
		expect(SessionStore.keyFor('g', 'u', true, true)).toBe('g');
		expect(SessionStore.keyFor('d', 'u', true, false)).toBe('d|u');
	});
});

describe('Aggregator', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());
	it('restarts the window on each message and flushes after the max wait', () => {
		const flushed: string[][] = [];
		const a = new Aggregator<string>(
			1000,
			2500,
			(_k, items) => flushed.push(items),
			() => Date.now(),
		);
		a.add('k', 'a');
		jest.advanceTimersByTime(900);
		a.add('k', 'b');
		jest.advanceTimersByTime(900);
		expect(flushed).toEqual([]);
		a.add('k', 'c');
		jest.advanceTimersByTime(700); // 2500 ms after the first message
		expect(flushed).toEqual([['a', 'b', 'c']]);
		a.add('k', 'd');
		a.add('other', 'x');
		jest.advanceTimersByTime(1000);
		expect(flushed).toEqual([['a', 'b', 'c'], ['d'], ['x']]);
	});
});

describe('EventPipeline', () => {
	const options: PipelineOptions = {
		...DEFAULT_PIPELINE_OPTIONS,
		events: ['message', 'cardCallback'],
		language: 'zh-CN',
	};

	it('filters: group without mention, own messages, allow-lists', async () => {
		const emitted: Array<Record<string, unknown>> = [];
		const p = new EventPipeline(
			{ ...options, allowedSenderIds: ['u1'] },
			async (item) => (emitted.push(item), { ok: true }),
		);
		await p.handle(message('1', { conversationType: '2' }));
		await p.handle(message('2', { senderId: 'bot' }));
		await p.handle(message('3', { senderStaffId: 'u2' }));
		await p.handle(message('4'));
		expect(emitted.map((e) => e.msgId)).toEqual(['4']);
	});

	it('a message refused by a full wait queue (Max Concurrent Runs) is never ACKed away: it runs on a later delivery', async () => {
		let refusals = 3;
		let runs = 0;
		const p = new EventPipeline(options, async () => {
			if (refusals > 0) {
				refusals--;
				throw new RunQueueFullError(1000);
			}
			runs++;
			return { ok: true };
		});
		for (let delivery = 0; delivery < 3; delivery++)
			await expect(p.handle(message('queued'))).rejects.toThrow(RunQueueFullError);
		await expect(p.handle(message('queued'))).resolves.toBeNull();
		expect(runs).toBe(1);
		// Ran once: later deliveries are ACKed without a second run.
		await expect(p.handle(message('queued'))).resolves.toBeNull();
		expect(runs).toBe(1);
	});

	it('a failed run rejects (no ACK), its redelivery runs once more, a success is never repeated', async () => {
		let ok = false;
		let runs = 0;
		const p = new EventPipeline(options, async () => (runs++, { ok }));
		await expect(p.handle(message('x'))).rejects.toThrow('failed');
		ok = true;
		await p.handle(message('x'));
		await p.handle(message('x'));
		expect(runs).toBe(2);
	});

	it('a redelivery that arrives while the run is in flight runs again when that run fails (not ACKed away)', async () => {
		const outcomes = [false, true];
		const finish: Array<() => void> = [];
		let runs = 0;
		const p = new EventPipeline(options, async () => {
			const ok = outcomes[runs++];
			await new Promise<void>((resolve) => finish.push(resolve));
			return { ok };
		});
		const first = p.handle(message('y'));
		const redelivery = p.handle(message('y'));
		await new Promise((resolve) => setImmediate(resolve));
		finish.shift()?.();
		await expect(first).rejects.toThrow('failed');
		await new Promise((resolve) => setImmediate(resolve));
		expect(runs).toBe(2);
		finish.shift()?.();
		await expect(redelivery).resolves.toBeNull();
	});

	it('aggregates a burst into one event with all parts', async () => {
		jest.useFakeTimers();
		const emitted: Array<Record<string, unknown>> = [];
		const p = new EventPipeline(
			{ ...options, aggregationWindowSeconds: 2 },
			async (item) => (emitted.push(item), { ok: true }),
		);
		const handled = [p.handle(message('a')), p.handle(message('b'))];
		await Promise.resolve();
		jest.advanceTimersByTime(2000);
		jest.useRealTimers();
		await Promise.all(handled);
		expect(emitted).toHaveLength(1);
		expect(emitted[0]).toMatchObject({
			text: 'text a\ntext b',
			msgIds: ['a', 'b'],
			isNewSession: true,
		});
	});

	it('aggregates per sender, also external users (no staff ID) writing in one conversation', async () => {
		jest.useFakeTimers();
		const emitted: Array<Record<string, unknown>> = [];
		const p = new EventPipeline(
			{ ...options, aggregationWindowSeconds: 2 },
			async (item) => (emitted.push(item), { ok: true }),
		);
		const external = (msgId: string, senderId: string) =>
			message(msgId, { senderStaffId: undefined, senderId });
		const handled = [
			p.handle(external('e1', 'ext-1')),
			p.handle(external('e2', 'ext-2')),
			p.handle(external('e3', 'ext-1')),
		];
		await Promise.resolve();
		jest.advanceTimersByTime(2000);
		jest.useRealTimers();
		await Promise.all(handled);
		expect(emitted.map((e) => e.msgIds).sort()).toEqual([['e1', 'e3'], ['e2']]);
	});

	it('close (Stream): pending aggregated messages start no run and stay un-ACKed; nothing runs after close', async () => {
		jest.useFakeTimers();
		try {
			const emitted: Array<Record<string, unknown>> = [];
			const p = new EventPipeline(
				{ ...options, aggregationWindowSeconds: 2 },
				async (item) => (emitted.push(item), { ok: true }),
			);
			const pending = [p.handle(message('a')), p.handle(message('b'))];
			await Promise.resolve();
			p.close('drop');
			// Un-ACKed: the deliveries reject, so StreamConnection sends no ACK and DingTalk redelivers them.
			for (const handled of pending) await expect(handled).rejects.toThrow();
			await expect(p.handle(message('c'))).rejects.toThrow('closing');
			jest.advanceTimersByTime(60_000);
			await Promise.resolve();
			expect(emitted).toHaveLength(0);
		} finally {
			jest.useRealTimers();
		}
	});

	it('close (HTTP): pending aggregated messages are sent at once (DingTalk will not redeliver them), then nothing more runs', async () => {
		const emitted: Array<Record<string, unknown>> = [];
		const p = new EventPipeline(
			{ ...options, aggregationWindowSeconds: 2 },
			async (item) => (emitted.push(item), { ok: true }),
		);
		const pending = p.handle(message('a'));
		await Promise.resolve();
		p.close('flush');
		await expect(pending).resolves.toBeNull();
		expect(emitted.map((e) => e.msgIds)).toEqual([['a']]);
		await expect(p.handle(message('b'))).rejects.toThrow('closing');
	});

	it('a run that never ends is ACKed after the Run Deadline, with a log line, and its redelivery starts no second run', async () => {
		jest.useFakeTimers();
		try {
			const warnings: string[] = [];
			let runs = 0;
			const p = new EventPipeline(
				{ ...options, runDeadlineSeconds: 5 },
				async () => (runs++, await new Promise<never>(() => undefined)),
				Date.now,
				(m) => warnings.push(m),
			);
			let settled = false;
			const handled = p.handle(message('w')).finally(() => (settled = true));
			await jest.advanceTimersByTimeAsync(4_999);
			expect(settled).toBe(false);
			await jest.advanceTimersByTimeAsync(1);
			await expect(handled).resolves.toBeNull();
			expect(warnings).toEqual([expect.stringMatching(/w still runs after 5 s \(Run Deadline\)/)]);
			await expect(p.handle(message('w'))).resolves.toBeNull();
			expect(runs).toBe(1);
		} finally {
			jest.useRealTimers();
		}
	});

	it('a run that ends in time clears its deadline timer', async () => {
		jest.useFakeTimers();
		try {
			const p = new EventPipeline({ ...options, runDeadlineSeconds: 5 }, async () => ({
				ok: true,
			}));
			await p.handle(message('q'));
			expect(jest.getTimerCount()).toBe(0);
		} finally {
			jest.useRealTimers();
		}
	});

	it("end session: the card button ends the sender's session and answers in the Preferred Language", async () => {
		const emitted: Array<Record<string, unknown>> = [];
		const p = new EventPipeline(options, async (item) => (emitted.push(item), { ok: true }));
		await p.handle(message('s1'));
		const value = JSON.stringify({ cardPrivateData: { actionIds: ['end_session'], params: {} } });
		const response = await p.handle({
			topic: CARD,
			messageId: 'c1',
			data: { userId: 'u1', spaceId: 'cid', spaceType: 'im', outTrackId: 'o', value },
		});
		expect(response).toEqual({
			cardData: { cardParamMap: { sessionNotice: '会话已结束，下一条消息将开始新的对话。' } },
			cardUpdateOptions: { updateCardDataByKey: true },
		});
		expect(emitted[1]).toMatchObject({
			event: 'cardCallback',
			sessionEnded: true,
			endedSessionId: emitted[0].sessionId,
		});
		await p.handle(message('s2'));
		expect(emitted[2]).toMatchObject({ isNewSession: true });
		expect(emitted[2].sessionId).not.toBe(emitted[0].sessionId);
	});
});
