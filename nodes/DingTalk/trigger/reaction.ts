import type { IDataObject } from 'n8n-workflow';

import { addReaction, removeReaction, textEmotion } from '../api/robot';
import type { DingTalkClient } from '../transport';

/**
 * React While Running: the trigger puts a text reaction (e.g. "🤔Thinking") on the user's message when it starts the
 * run and takes it back when n8n reports the run over (finished or failed). The reaction is decoration: a failing or
 * slow reaction call never loses the message and delays its run by at most REACTION_DEADLINE_MS; it is logged and
 * the run goes on.
 */

/** The longest the trigger waits for one reaction call (adding delays the run by at most this). */
export const REACTION_DEADLINE_MS = 2000;

/** Takes the reaction back; never rejects. */
export type TakeBack = () => Promise<void>;

const nothingToTakeBack: TakeBack = async () => {};

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** `work`'s outcome, or a timeout after `ms`; never rejects, and leaves no timer behind. */
async function within<T>(work: Promise<T>, ms: number): Promise<Outcome<T>> {
	let timer: NodeJS.Timeout | undefined;
	const expired = new Promise<Outcome<T>>((resolve) => {
		timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${ms} ms` }), ms);
	});
	const settled = work.then(
		(value): Outcome<T> => ({ ok: true, value }),
		(error: Error): Outcome<T> => ({ ok: false, reason: error.message }),
	);
	try {
		return await Promise.race([settled, expired]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Puts the reaction on the message an item stands for (for an aggregated batch, its last message, whose msgId the
 * item carries) and resolves once it is on, failed, or the deadline passed. Items that are not messages, or lack a
 * message or conversation ID, get no reaction.
 */
export async function reactWhileRunning(
	client: DingTalkClient,
	item: IDataObject,
	text: string,
	warn: (message: string) => void,
	deadlineMs = REACTION_DEADLINE_MS,
): Promise<TakeBack> {
	const openMsgId = typeof item.msgId === 'string' ? item.msgId : '';
	const openConversationId = typeof item.conversationId === 'string' ? item.conversationId : '';
	if (!text || item.event !== 'message' || !openMsgId || !openConversationId)
		return nothingToTakeBack;
	const target = { openMsgId, openConversationId };
	const emotion = textEmotion(text);
	const adding = addReaction(client, target, emotion);
	const added = await within(adding, deadlineMs);
	if (!added.ok)
		warn(`DingTalk Trigger: React While Running could not add the reaction (${added.reason})`);
	return async () => {
		// A slow add may still land after its deadline: wait for it (bounded again) so the reaction is not left behind.
		const landed = added.ok ? added : await within(adding, deadlineMs);
		if (!landed.ok) return;
		const removed = await within(removeReaction(client, target, emotion), deadlineMs);
		if (!removed.ok)
			warn(
				`DingTalk Trigger: React While Running could not remove the reaction (${removed.reason})`,
			);
	};
}
