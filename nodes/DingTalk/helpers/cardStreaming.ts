import { randomUUID } from 'crypto';

import { type CardStreamingRequest, streamCard } from '../api/cards';
import type { DingTalkClient } from '../transport';

export type CardStreamUpdate = Omit<CardStreamingRequest, 'guid'>;

/**
 * One update of an AI card's field, each with its own guid: shared by Card → Stream Content and by the Xpert AI
 * node's streaming answer.
 */
export async function streamCardContent(
	client: DingTalkClient,
	update: CardStreamUpdate,
): Promise<{ guid: string }> {
	const guid = randomUUID();
	await streamCard(client, { ...update, guid });
	return { guid };
}
