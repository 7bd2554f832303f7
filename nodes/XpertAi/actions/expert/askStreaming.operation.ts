import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { Readable } from 'stream';

import { streamCardContent } from '../../../DingTalk/helpers/cardStreaming';
import { clientFor, DingTalkApiError, toNodeError } from '../../../DingTalk/transport';
import { SseParser, textOfXpertFrame } from '../../transport/sse';
import { sendInput, xpertError, xpertRequest } from '../../transport/xpertApi';
import { expertLocator, sessionKeyField } from '../common';
import { askOptions, messageField, openThread, readAsk } from './ask.operation';

const properties: INodeProperties[] = [
	expertLocator,
	messageField,
	sessionKeyField,
	{
		displayName: 'AI Card Out Track ID',
		name: 'outTrackId',
		type: 'string',
		default: '',
		required: true,
		description: 'The AI card the answer types itself into: the outTrackId from DingTalk → Card → Send (an AI card template)',
	},
	{
		displayName: 'Card Field',
		name: 'cardField',
		type: 'string',
		default: 'content',
		description: 'The card variable that holds the answer text',
	},
	{
		...askOptions,
		options: [
			...(askOptions.options ?? []),
			{
				displayName: 'Update Interval (Ms)',
				name: 'updateIntervalMs',
				type: 'number',
				default: 500,
				description: 'The card is updated at most this often: DingTalk throttles frequent streaming updates (HTTP 403 QpsLimit)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['expert'], operation: ['askStreaming'] } }, properties);

/**
 * Reads the expert's answer as Server-Sent Events (`runs/stream`) and types it into a DingTalk AI card as it
 * arrives: the whole text so far, at most once per update interval, then a final update that finishes the card (or
 * marks it failed). Whole-text updates make a lost or throttled update harmless.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const { expertId, message, sessionKey, timeoutMs, options, files } = readAsk.call(this, i);
	const outTrackId = String(this.getNodeParameter('outTrackId', i, '') ?? '').trim();
	if (!outTrackId) throw new NodeOperationError(this.getNode(), 'AI Card Out Track ID is empty: send an AI card first (DingTalk → Card → Send)', { itemIndex: i });
	const key = String(this.getNodeParameter('cardField', i, 'content') ?? '').trim() || 'content';
	const intervalMs = Math.max(100, Number(options.updateIntervalMs ?? 500));
	const dingTalk = await clientFor(this, 'dingTalkAuthentication');

	const threadId = await openThread.call(this, expertId, sessionKey);
	const request = { method: 'POST' as const, path: `/threads/${threadId}/runs/stream`, body: { assistant_id: expertId, input: sendInput(message, files) }, timeoutMs, stream: true };
	let answer = '';
	let sent = '';
	let updates = 0;
	let lastUpdate = 0;
	const update = async (final: { isFinalize?: boolean; isError?: boolean } = {}) => {
		sent = answer;
		lastUpdate = Date.now();
		updates++;
		await streamCardContent(dingTalk, { outTrackId, key, content: answer, isFull: true, isFinalize: !!final.isFinalize, isError: !!final.isError });
	};
	let failure: unknown;
	try {
		const response = await xpertRequest<Readable | { body: Readable }>(this, request);
		const body = 'body' in response && response.body ? response.body : (response as Readable);
		const parser = new SseParser();
		for await (const chunk of body) {
			for (const event of parser.push(chunk.toString())) {
				if (event.event === 'complete') continue;
				const frame = textOfXpertFrame(event.data);
				if (frame.error) throw new Error(frame.error);
				answer += frame.text;
			}
			if (answer !== sent && Date.now() - lastUpdate >= intervalMs) await update();
		}
	} catch (error) {
		failure = error;
	}
	if (failure) {
		// The card shows what arrived and that it broke off, so the user is not left with a card typing forever.
		await update({ isFinalize: true, isError: true }).catch(() => undefined);
		if (failure instanceof DingTalkApiError) throw toNodeError(this.getNode(), failure, i);
		throw failure instanceof NodeApiError ? failure : xpertError(this.getNode(), failure, request);
	}
	await update({ isFinalize: true });
	return { answer, expertId, threadId, sessionKey, outTrackId, cardUpdates: updates };
}
