/** The event pipeline with wrongly typed fields: no throw or rejection, either an item or a refusal, items n8n can store. */
import { DECISION_LIMITS, DecisionKeys } from '../../../nodes/DingTalk/crypto/decisionKey';
import { type DecisionGate, Decisions } from '../../../nodes/DingTalk/pipeline/Decisions';
import { EventPipeline } from '../../../nodes/DingTalk/pipeline/EventPipeline';
import { DEFAULT_PIPELINE_OPTIONS } from '../../../nodes/DingTalk/pipeline/options';
import { QUOTE_LIMITS } from '../../../nodes/DingTalk/pipeline/events';
import { orgEventCallback, orgEventFromStream } from '../../../nodes/DingTalk/transport/orgEvents';
import { EVENT_FIXTURES } from '../../fake-dingtalk/orgEvents';
import { quoteSnapshot, type QuoteShape, withQuote } from '../../fake-dingtalk/quotes';
import { check, type FuzzTarget, mustNotReject, type Outcome } from '../harness';
import { ALNUM, deepNest, mutateObject, type Rng } from '../prng';

const ROBOT = '/v1.0/im/bot/messages/get';
const CARD = '/v1.0/card/instances/callback';

/** Adapter: one pipeline per input, both event kinds on, no aggregation; returns the items it emitted. */
async function throughPipeline(
	topic: string,
	data: Record<string, unknown>,
	messageId?: string,
	decisionGate?: DecisionGate,
): Promise<unknown[]> {
	const items: unknown[] = [];
	const pipeline = new EventPipeline(
		{
			...DEFAULT_PIPELINE_OPTIONS,
			events: ['message', 'cardCallback', 'orgEvent'],
			orgEventTypes: ['*'],
			groupMentionsOnly: false,
		},
		async (item) => {
			items.push(item);
			return { ok: true };
		},
		Date.now,
		() => undefined,
		decisionGate,
	);
	await pipeline.handle({
		topic,
		messageId: messageId ?? `m-${typeof data.msgId === 'string' ? data.msgId.slice(0, 20) : 'x'}`,
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

const QUOTED_TYPES = [
	'text',
	'richText',
	'picture',
	'audio',
	'video',
	'file',
	'markdown',
	'interactiveCard',
	'unknownMsgType',
];

/** Half the messages reply to (quote) an earlier one: each shape and place DingTalk's clients use, some oversized. */
function withSomeQuote(rng: Rng, data: Record<string, unknown>): Record<string, unknown> {
	if (rng.chance(0.5)) return data;
	const quote = {
		msgType: rng.pick(QUOTED_TYPES),
		text: rng.chance(0.01) ? 'q'.repeat(100_000) : rng.text(40),
		downloadCode: `dc${rng.string(ALNUM, 1, 8)}`,
		shape: rng.pick<QuoteShape>(['repliedMsg', 'quoteMessage']),
	};
	const out = withQuote(data, quote);
	const place = rng.int(4);
	if (place === 1) out.repliedMsg = quoteSnapshot(quote);
	if (place === 2) out.originalMsgId = rng.text(12);
	if (rng.chance(0.002)) {
		// Huge lists and deep nesting where the parser reads parts: bounded work and no stack overflow expected.
		const snapshot = quoteSnapshot({ msgType: rng.pick(['richText', 'interactiveCard']) });
		const huge = Array.from({ length: 20_000 }, (_, i) =>
			rng.chance(0.5)
				? { type: 'picture', downloadCode: `p${i}` }
				: { elementType: 'RICHTEXT', children: [] },
		);
		snapshot.content = {
			richText: huge,
			cardContent: rng.chance(0.5) ? huge : deepNest(2000, true),
		};
		out.quoteMessage = snapshot;
	}
	return out;
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

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deeply mutated: top-level fields and the nested ones DingTalk's shapes put inside. */
function hostile(rng: Rng, base: Record<string, unknown>): Record<string, unknown> {
	const out = mutateObject(rng, base);
	// The quote's own fields and its content, wherever the quote sits.
	for (const holder of [out, out.text, out.content])
		for (const key of ['repliedMsg', 'quoteMessage']) {
			const place = holder as Record<string, unknown> | undefined;
			const quote = place?.[key];
			if (!isObject(quote) || !rng.chance(0.5)) continue;
			const mutated = mutateObject(rng, quote);
			if (isObject(mutated.content) && rng.chance(0.5))
				mutated.content = mutateObject(rng, mutated.content);
			(place as Record<string, unknown>)[key] = mutated;
		}
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

/**
 * An organisation event, as the Stream transport hands it on: a listed type's data, mutated (approval fields of the
 * wrong type, lists where strings belong), through the envelope reader first, as in the trigger.
 */
async function orgEventTarget(rng: Rng): Promise<Outcome> {
	const types = Object.keys(EVENT_FIXTURES);
	const eventType = rng.pick(types);
	const data = hostile(rng, EVENT_FIXTURES[eventType]());
	const headers = {
		messageId: 'm1',
		topic: '*',
		eventType: rng.chance(0.1) ? rng.text(12) : eventType,
		eventId: rng.chance(0.2) ? '' : `e${rng.string(ALNUM, 6, 12)}`,
		eventBornTime: rng.pick(['1764547200000', '1764547200', rng.text(8), '']),
	};
	const input = { headers, data };
	const parsed = orgEventFromStream(headers, JSON.stringify(data));
	if ('problem' in parsed) return 'refused';
	const items = await mustNotReject(
		input,
		'EventPipeline.handle (organisation event)',
		async () => {
			const callback = orgEventCallback(parsed.envelope);
			return await throughPipeline(callback.topic, callback.data, callback.messageId);
		},
	);
	for (const item of items) {
		const event = item as { eventType?: unknown; bornAt?: unknown; approval?: unknown };
		check(event.eventType === headers.eventType, 'event item with another eventType', input);
		check(
			event.bornAt === null ||
				(typeof event.bornAt === 'string' && !Number.isNaN(Date.parse(event.bornAt))),
			'bornAt is neither null nor an ISO time',
			input,
		);
		if (event.approval !== undefined)
			check(
				Object.values(event.approval as object).every((v) => v === null || typeof v === 'string'),
				'approval holds a value that is not text',
				input,
			);
		try {
			JSON.stringify(item);
		} catch (error) {
			check(false, `item is not serialisable: ${(error as Error).message}`, input);
		}
	}
	return items.length ? 'accepted' : 'refused';
}

const decisionKeys = new DecisionKeys('fuzz-decision-secret');
const DECISION_CARD = 'decision-00000000-0000-4000-8000-000000000001';
const DECISION_CONTEXT = JSON.stringify({ processInstanceId: 'pi-1', taskId: 't1' });
const APPROVERS = ['approver1', 'approver2'];

/**
 * A click on a decision card with hostile parts: the clicker, the card, the context, the decision and the key each
 * either the true one or a near miss (another user's key, one character off, the template's unreplaced variable,
 * oversized, a newline moving the separators, a non-string), and sometimes the whole params object mutated.
 */
function decisionClick(rng: Rng): Record<string, unknown> {
	const userId = rng.pick([
		...APPROVERS,
		...APPROVERS,
		'outsider',
		'',
		`${APPROVERS[0]}\n`,
		rng.text(8),
	]);
	const outTrackId = rng.pick([
		DECISION_CARD,
		DECISION_CARD,
		`${DECISION_CARD}0`,
		'decision-',
		`decision-${'x'.repeat(rng.pick([10, 200, 5000]))}`,
	]);
	const context = rng.pick<unknown>([
		DECISION_CONTEXT,
		DECISION_CONTEXT,
		`${DECISION_CONTEXT} `,
		'{"taskId":"t2"}',
		'[]',
		'null',
		JSON.parse(DECISION_CONTEXT),
		JSON.stringify({ note: 'x'.repeat(20_000) }),
		rng.text(30),
	]);
	const contextText = typeof context === 'string' ? context : DECISION_CONTEXT;
	const trueKey = decisionKeys.keyFor(outTrackId, userId, contextText);
	const decisionKey = rng.pick<unknown>([
		trueKey,
		trueKey,
		decisionKeys.keyFor(DECISION_CARD, APPROVERS[1], DECISION_CONTEXT),
		`${trueKey.slice(0, -1)}${trueKey.endsWith('A') ? 'B' : 'A'}`,
		'${decisionKey}',
		'',
		'k'.repeat(100_000),
		[trueKey],
		7,
	]);
	let params: Record<string, unknown> = {
		decision: rng.pick<unknown>(['approve', 'refuse', 'approve', 'APPROVE', '', 1, null]),
		decisionKey,
		context,
	};
	if (rng.chance(0.2)) params = mutateObject(rng, params);
	const value = JSON.stringify({ cardPrivateData: { actionIds: ['decision_approve'], params } });
	return {
		outTrackId,
		userId,
		spaceId: 'cid1',
		spaceType: 'im',
		type: 'actionCallback',
		content: value,
		value,
	};
}

/**
 * Decision clicks: nothing throws, and a run starts only for a listed approver's own key on the card and context it
 * was made for, naming that approver, with that context; everything else is answered without a run.
 */
async function decisionTarget(rng: Rng): Promise<Outcome> {
	const data = decisionClick(rng);
	const items = await mustNotReject(
		data,
		'EventPipeline.handle (decision click)',
		async () =>
			await throughPipeline(CARD, data, 'click-1', {
				scope: 'fuzz',
				keys: decisionKeys,
				store: new Decisions(),
			}),
	);
	check(items.length <= 1, 'a decision click ran more than once', data);
	const params = (JSON.parse(data.value as string) as { cardPrivateData: { params: unknown } })
		.cardPrivateData.params as Record<string, unknown>;
	const userId = data.userId as string;
	const outTrackId = data.outTrackId as string;
	const contextText = typeof params.context === 'string' ? params.context : undefined;
	const contextObject = (() => {
		try {
			const parsed = JSON.parse(contextText ?? '') as unknown;
			return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
				? parsed
				: undefined;
		} catch {
			return undefined;
		}
	})();
	// Only the holder of the secret (this generator) can make a key: a run needs the key made for exactly this
	// clicker, card and context text, within the bounds.
	const legit =
		(params.decision === 'approve' || params.decision === 'refuse') &&
		contextText !== undefined &&
		contextObject !== undefined &&
		contextText.length <= DECISION_LIMITS.context &&
		userId !== '' &&
		!userId.includes('\n') &&
		userId.length <= DECISION_LIMITS.userId &&
		outTrackId.length <= DECISION_LIMITS.outTrackId &&
		params.decisionKey === decisionKeys.keyFor(outTrackId, userId, contextText);
	check(
		items.length === (legit ? 1 : 0),
		legit ? 'a true click did not run' : 'a hostile click ran',
		data,
	);
	for (const item of items) {
		const decision = (item as { decision?: Record<string, unknown> }).decision;
		check(
			decision?.decidedBy === userId &&
				decision?.outTrackId === outTrackId &&
				JSON.stringify(decision?.context) === JSON.stringify(contextObject) &&
				decision?.decision === params.decision,
			'the run names another clicker, card, context or decision',
			data,
		);
	}
	return items.length ? 'accepted' : 'refused';
}

export const pipelineTarget: FuzzTarget = {
	name: 'pipeline',
	// Most payloads are mutated messages and card clicks that still read (seeded run: 70 %).
	minAcceptedShare: 0.5,
	async run(rng: Rng): Promise<Outcome> {
		if (rng.chance(0.2)) return await orgEventTarget(rng);
		if (rng.chance(0.1)) return await decisionTarget(rng);
		const isCard = rng.chance(0.3);
		const data = hostile(rng, isCard ? card(rng) : withSomeQuote(rng, robot(rng)));
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
			// A quote is null or a bounded, typed object, whatever the snapshot held.
			const { event, quoted } = item as { event?: unknown; quoted?: unknown };
			if (event === 'message') check(quoted !== undefined, 'message item without quoted', input);
			if (quoted === undefined || quoted === null) continue;
			const q = quoted as { text: unknown; media: unknown };
			check(
				typeof q.text === 'string' &&
					q.text.length <= QUOTE_LIMITS.text &&
					Array.isArray(q.media) &&
					q.media.length <= QUOTE_LIMITS.media,
				'quoted is not a bounded {text, media}',
				input,
			);
		}
		return items.length ? 'accepted' : 'refused';
	},
};
