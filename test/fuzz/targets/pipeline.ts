/** The event pipeline with wrongly typed fields: no throw or rejection, either an item or a refusal, items n8n can store. */
import { EventPipeline } from '../../../nodes/DingTalk/pipeline/EventPipeline';
import { DEFAULT_PIPELINE_OPTIONS } from '../../../nodes/DingTalk/pipeline/options';
import { check, type FuzzTarget, mustNotReject, type Outcome } from '../harness';
import { ALNUM, mutateObject, type Rng } from '../prng';

const ROBOT = '/v1.0/im/bot/messages/get';
const CARD = '/v1.0/card/instances/callback';

/** Adapter: one pipeline per input, both event kinds on, no aggregation; returns the items it emitted. */
async function throughPipeline(topic: string, data: Record<string, unknown>): Promise<unknown[]> {
	const items: unknown[] = [];
	const pipeline = new EventPipeline(
		{ ...DEFAULT_PIPELINE_OPTIONS, events: ['message', 'cardCallback'], groupMentionsOnly: false },
		async (item) => {
			items.push(item);
			return { ok: true };
		},
	);
	await pipeline.handle({
		topic,
		messageId: `m-${typeof data.msgId === 'string' ? data.msgId.slice(0, 20) : 'x'}`,
		data,
	});
	pipeline.close();
	return items;
}

function robot(rng: Rng): Record<string, unknown> {
	return {
		msgtype: rng.pick(['text', 'richText', 'picture', 'audio', 'file', 'video', 'unknownMsgType']),
		msgId: `msg${rng.string(ALNUM, 6, 12)}`,
		conversationId: 'cid1==',
		conversationType: rng.pick(['1', '2']),
		senderStaffId: 'u1',
		senderId: 's1',
		chatbotUserId: 'bot',
		atUsers: [{ dingtalkId: 'bot' }],
		isInAtList: true,
		// Rarely, a long run of spaces before a last character: a backtracking /\s+$/ takes seconds on it (judged by
		// the full run's per-input time limit).
		text: { content: rng.chance(0.0001) ? `${' '.repeat(50_000)}x` : rng.text(30) },
		content: {
			richText: [{ text: 'a' }, { type: 'picture', downloadCode: 'dc' }],
			downloadCode: 'dc',
			recognition: 'r',
			fileName: 'f',
		},
		sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=x',
		sessionWebhookExpiredTime: 1_700_000_000_000,
		createAt: 1_700_000_000_000,
		robotCode: 'ding1',
	};
}

function card(rng: Rng): Record<string, unknown> {
	const value = JSON.stringify({
		cardPrivateData: { actionIds: ['a'], params: { action: rng.pick(['like', 'end_session']) } },
	});
	return {
		outTrackId: 't1',
		userId: 'u1',
		spaceId: 'cid1',
		spaceType: 'im',
		type: 'actionCallback',
		content: value,
		value,
	};
}

/** Deeply mutated: top-level fields and the nested ones DingTalk's shapes put inside. */
function hostile(rng: Rng, base: Record<string, unknown>): Record<string, unknown> {
	const out = mutateObject(rng, base);
	for (const key of ['text', 'content', 'atUsers']) {
		const value = out[key];
		if (rng.chance(0.3) && typeof value === 'object' && value !== null && !Array.isArray(value))
			out[key] = mutateObject(rng, value as Record<string, unknown>);
		if (rng.chance(0.2) && Array.isArray(value))
			out[key] = value.map((v) =>
				rng.chance(0.5) && typeof v === 'object' && v !== null
					? mutateObject(rng, v as Record<string, unknown>)
					: v,
			);
	}
	return out;
}

export const pipelineTarget: FuzzTarget = {
	name: 'pipeline',
	async run(rng: Rng): Promise<Outcome> {
		const isCard = rng.chance(0.3);
		const data = hostile(rng, isCard ? card(rng) : robot(rng));
		const input = { topic: isCard ? CARD : ROBOT, data };
		const items = await mustNotReject(
			input,
			'EventPipeline.handle',
			async () => await throughPipeline(input.topic, data),
		);
		// n8n stores items as JSON. (No credential reaches the pipeline, so there is no secret to look for here.)
		for (const item of items) {
			try {
				JSON.stringify(item);
			} catch (error) {
				check(false, `item is not serialisable: ${(error as Error).message}`, input);
			}
		}
		return items.length ? 'accepted' : 'refused';
	},
};
