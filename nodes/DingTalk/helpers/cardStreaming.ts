import { randomUUID } from 'crypto';

import type { DingTalkClient } from '../transport';

export interface CardStreamUpdate {
	outTrackId: string;
	/** The card variable to write (an AI card's text field, usually `content`). */
	key: string;
	content: string;
	/** Replace the field's text (true) or append to it (false). */
	isFull: boolean;
	isFinalize: boolean;
	isError: boolean;
}

/**
 * One update of an AI card's field (`PUT /v1.0/card/streaming`), shared by Card → Stream Content and by the Xpert AI
 * node's streaming answer. UNCONFIRMED: DingTalk reads isFull=false as "append" (the Python SDK does the same).
 */
export async function streamCardContent(client: DingTalkClient, update: CardStreamUpdate): Promise<{ guid: string }> {
	const guid = randomUUID();
	await client.api('PUT', '/v1.0/card/streaming', { ...update, guid });
	return { guid };
}
