/**
 * What a workflow author sees of the Trigger's filters, aggregation and card callbacks: which messages and clicks
 * start a run, and what the item holds (EventPipeline, from the message handler on).
 */
import type { IDataObject } from 'n8n-workflow';

import { EventPipeline } from '../../../nodes/DingTalk/pipeline/EventPipeline';
import { robotMessage as message } from '../../support/robotMessage';
import { RunQueueFullError } from '../../../nodes/DingTalk/pipeline/RunLimiter';
import {
	DEFAULT_PIPELINE_OPTIONS,
	type PipelineOptions,
} from '../../../nodes/DingTalk/pipeline/options';

const CARD = '/v1.0/card/instances/callback';
const SESSION_NOTICE = '会话已结束，下一条消息将开始新的对话。';

const base: PipelineOptions = {
	...DEFAULT_PIPELINE_OPTIONS,
	events: ['message', 'cardCallback'],
	conversationTypes: 'both',
	groupMentionsOnly: false,
	allowedSenderIds: [],
	allowedConversationIds: [],
	aggregationWindowSeconds: 0,
	sharedGroupSession: false,
	endSessionAction: 'end_session',
	language: 'zh-CN',
};

/** A card click by `userId` in conversation `spaceId`. */
const click = (
	id: string,
	{
		userId = 'u1',
		spaceId = 'cid',
		spaceType = 'im',
		actionIds = [] as string[],
		params = {} as Record<string, unknown>,
	} = {},
) => ({
	topic: CARD,
	messageId: id,
	data: {
		userId,
		spaceId,
		spaceType,
		outTrackId: 'o',
		value: JSON.stringify({ cardPrivateData: { actionIds, params } }),
	} as IDataObject,
});

function recorder(options: Partial<PipelineOptions> = {}) {
	const emitted: IDataObject[] = [];
	const pipeline = new EventPipeline(
		{ ...base, ...options },
		async (item) => (emitted.push(item), { ok: true }),
	);
	return { emitted, pipeline };
}

describe('EventPipeline: which events start a run (Events)', () => {
	it('with only Card Callback selected, a message is ACKed and starts no run; a click runs', async () => {
		const { emitted, pipeline } = recorder({ events: ['cardCallback'] });
		await expect(pipeline.handle(message('m1'))).resolves.toBeNull();
		await expect(pipeline.handle(click('c1', { params: { action: 'x' } }))).resolves.toBeNull();
		expect(emitted.map((e) => e.event)).toEqual(['cardCallback']);
	});

	it('with only Message selected, a card click is ACKed and starts no run; a message runs', async () => {
		const { emitted, pipeline } = recorder({ events: ['message'] });
		await expect(pipeline.handle(click('c1', { params: { action: 'x' } }))).resolves.toBeNull();
		await expect(pipeline.handle(message('m1'))).resolves.toBeNull();
		expect(emitted.map((e) => e.event)).toEqual(['message']);
	});
});

describe('EventPipeline: Conversation Types and Allowed Conversation IDs', () => {
	const direct = message('d1');
	const group = message('g1', { conversationType: '2', conversationId: 'gid' });

	it.each([
		['both', ['d1', 'g1']],
		['direct', ['d1']],
		['group', ['g1']],
	] as const)('%s: runs for %j only', async (conversationTypes, expected) => {
		const { emitted, pipeline } = recorder({ conversationTypes });
		await expect(pipeline.handle(direct)).resolves.toBeNull();
		await expect(pipeline.handle(group)).resolves.toBeNull();
		expect(emitted.map((e) => e.msgId)).toEqual(expected);
	});

	it('a listed conversation runs, any other is ACKed without a run; an empty list lets every conversation run', async () => {
		const listed = recorder({ allowedConversationIds: ['cid-a'] });
		await expect(
			listed.pipeline.handle(message('a', { conversationId: 'cid-a' })),
		).resolves.toBeNull();
		await expect(
			listed.pipeline.handle(message('b', { conversationId: 'cid-b' })),
		).resolves.toBeNull();
		expect(listed.emitted.map((e) => e.msgId)).toEqual(['a']);

		const open = recorder({ allowedConversationIds: [] });
		await open.pipeline.handle(message('a', { conversationId: 'cid-a' }));
		await open.pipeline.handle(message('b', { conversationId: 'cid-b' }));
		expect(open.emitted.map((e) => e.msgId)).toEqual(['a', 'b']);
	});
});

describe('EventPipeline: sessions in groups and direct chats (Shared Group Session)', () => {
	it('shared: everyone in a group writes in one session', async () => {
		const { emitted, pipeline } = recorder({ sharedGroupSession: true });
		const group = { conversationType: '2', conversationId: 'gid' };
		await pipeline.handle(message('g1', { ...group, senderStaffId: 'u1', senderId: 's1' }));
		await pipeline.handle(message('g2', { ...group, senderStaffId: 'u2', senderId: 's2' }));
		expect(emitted[1]).toMatchObject({ sessionId: emitted[0].sessionId, isNewSession: false });
	});

	it('not shared: each sender in a group has their own session', async () => {
		const { emitted, pipeline } = recorder({ sharedGroupSession: false });
		const group = { conversationType: '2', conversationId: 'gid' };
		await pipeline.handle(message('g1', { ...group, senderStaffId: 'u1', senderId: 's1' }));
		await pipeline.handle(message('g2', { ...group, senderStaffId: 'u2', senderId: 's2' }));
		expect(emitted[1].isNewSession).toBe(true);
		expect(emitted[1].sessionId).not.toBe(emitted[0].sessionId);
	});

	it("shared: a direct chat's session is still the sender's, and its End Session click ends it", async () => {
		const { emitted, pipeline } = recorder({ sharedGroupSession: true });
		await pipeline.handle(message('d1'));
		await pipeline.handle(click('c1', { spaceType: 'im', actionIds: ['end_session'] }));
		expect(emitted[1]).toMatchObject({ sessionEnded: true, endedSessionId: emitted[0].sessionId });
		await pipeline.handle(message('d2'));
		expect(emitted[2].isNewSession).toBe(true);
	});

	it("shared: a group member's End Session click (spaceType IM_GROUP) ends the group's shared session", async () => {
		const { emitted, pipeline } = recorder({ sharedGroupSession: true });
		const group = { conversationType: '2', conversationId: 'gid' };
		await pipeline.handle(message('g1', { ...group, senderStaffId: 'u1', senderId: 's1' }));
		await pipeline.handle(
			click('c1', {
				userId: 'u2',
				spaceId: 'gid',
				spaceType: 'IM_GROUP',
				actionIds: ['end_session'],
			}),
		);
		expect(emitted[1]).toMatchObject({ sessionEnded: true, endedSessionId: emitted[0].sessionId });
		await pipeline.handle(message('g2', { ...group, senderStaffId: 'u1', senderId: 's1' }));
		expect(emitted[2].isNewSession).toBe(true);
	});

	it("shared: a click from a private chat (spaceType im) does not end a group's shared session of the same ID", async () => {
		const { emitted, pipeline } = recorder({ sharedGroupSession: true });
		const group = { conversationType: '2', conversationId: 'gid' };
		await pipeline.handle(message('g1', { ...group, senderStaffId: 'u1', senderId: 's1' }));
		await pipeline.handle(
			click('c1', { userId: 'u1', spaceId: 'gid', spaceType: 'im', actionIds: ['end_session'] }),
		);
		expect(emitted[1]).toMatchObject({ sessionEnded: true, endedSessionId: null });
		await pipeline.handle(message('g2', { ...group, senderStaffId: 'u2', senderId: 's2' }));
		expect(emitted[2]).toMatchObject({ sessionId: emitted[0].sessionId, isNewSession: false });
	});
});

describe('EventPipeline: which card clicks end a session (End Session Action)', () => {
	it('a click on another action starts a run that ends nothing, and the card gets no session notice', async () => {
		const { emitted, pipeline } = recorder();
		await pipeline.handle(message('d1'));
		await expect(
			pipeline.handle(click('c1', { actionIds: ['other'], params: { action: 'other' } })),
		).resolves.toBeNull();
		expect(emitted[1]).toMatchObject({ event: 'cardCallback' });
		expect(emitted[1]).not.toHaveProperty('sessionEnded');
		await pipeline.handle(message('d2'));
		expect(emitted[2]).toMatchObject({ sessionId: emitted[0].sessionId, isNewSession: false });
	});

	it('the action named by params.action ends the session, as the action ID does', async () => {
		const { emitted, pipeline } = recorder();
		await pipeline.handle(message('d1'));
		await expect(
			pipeline.handle(click('c1', { params: { action: 'end_session' } })),
		).resolves.toEqual({
			cardData: { cardParamMap: { sessionNotice: SESSION_NOTICE } },
			cardUpdateOptions: { updateCardDataByKey: true },
		});
		expect(emitted[1]).toMatchObject({ sessionEnded: true, endedSessionId: emitted[0].sessionId });
	});

	it('an empty End Session Action: no click ends a session, not even one without any action', async () => {
		const { emitted, pipeline } = recorder({ endSessionAction: '' });
		await pipeline.handle(message('d1'));
		await expect(pipeline.handle(click('c1'))).resolves.toBeNull();
		expect(emitted[1]).not.toHaveProperty('sessionEnded');
		await pipeline.handle(message('d2'));
		expect(emitted[2]).toMatchObject({ sessionId: emitted[0].sessionId, isNewSession: false });
	});
});

describe('EventPipeline: an aggregated burst (Aggregation Window)', () => {
	async function burst(
		messages: Array<ReturnType<typeof message>>,
		emit: (item: IDataObject) => Promise<{ ok: boolean }>,
	) {
		jest.useFakeTimers();
		try {
			const pipeline = new EventPipeline({ ...base, aggregationWindowSeconds: 2 }, emit);
			const handled = messages.map((m) =>
				pipeline.handle(m).then(
					(value) => ({ value }),
					(error: Error) => ({ error: error.message }),
				),
			);
			await Promise.resolve();
			await jest.advanceTimersByTimeAsync(2000);
			return await Promise.all(handled);
		} finally {
			jest.useRealTimers();
		}
	}

	it('joins the texts and the raw texts line by line, leaving out parts without text (a picture)', async () => {
		const emitted: IDataObject[] = [];
		await burst(
			[
				message('a', { text: { content: ' first ' } }),
				message('p', { msgtype: 'picture', text: undefined, content: { downloadCode: 'dc' } }),
				message('b', { text: { content: 'second' } }),
			],
			async (item) => (emitted.push(item), { ok: true }),
		);
		expect(emitted).toHaveLength(1);
		expect(emitted[0]).toMatchObject({
			text: 'first\nsecond',
			rawText: ' first \nsecond',
			msgIds: ['a', 'p', 'b'],
		});
	});

	it('a run that throws leaves every message of the burst un-ACKed (rejected), for DingTalk to redeliver', async () => {
		const outcomes = await burst([message('a'), message('b')], async () => {
			throw new RunQueueFullError(1);
		});
		// The reason reaches the trigger's log: the run could not start.
		expect(outcomes).toEqual([
			{ error: new RunQueueFullError(1).message },
			{ error: new RunQueueFullError(1).message },
		]);
	});

	it('a burst whose run could not start is not counted as a run: its redeliveries run once there is room', async () => {
		jest.useFakeTimers();
		try {
			let refusals = 3;
			const emitted: IDataObject[] = [];
			const pipeline = new EventPipeline({ ...base, aggregationWindowSeconds: 2 }, async (item) => {
				if (refusals > 0) {
					refusals--;
					throw new RunQueueFullError(1);
				}
				emitted.push(item);
				return { ok: true };
			});
			const deliver = async () => {
				const handled = pipeline.handle(message('a')).then(
					(value) => ({ value }),
					(error: Error) => ({ error: error.message }),
				);
				await Promise.resolve();
				await jest.advanceTimersByTimeAsync(2000);
				return await handled;
			};
			// More refusals than a message's run budget (two failed runs): none of them counts as a run.
			for (let i = 0; i < 3; i++)
				expect(await deliver()).toEqual({ error: new RunQueueFullError(1).message });
			expect(await deliver()).toEqual({ value: null });
			expect(emitted).toHaveLength(1);
			expect(emitted[0]).toMatchObject({ msgIds: ['a'] });
		} finally {
			jest.useRealTimers();
		}
	});
});
