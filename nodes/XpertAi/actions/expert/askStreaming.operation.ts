import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { Readable } from 'stream';
import { StringDecoder } from 'string_decoder';

import { requiredString } from '../../../shared/parameters';
import { redactSecrets } from '../../../shared/redact';
import { clientFor, AiCardTypist, DingTalkApiError, toNodeError } from '../../../shared/dingTalk';
import { SseParser, textOfXpertFrame } from '../../transport/sse';
import { sendInput, xpertError, type XpertClient } from '../../transport/xpertApi';
import { expertLocator, sessionKeyField } from '../common';
import { askOptions, messageField, openThread, readAsk } from './shared';

const properties: INodeProperties[] = [
	{
		displayName: 'DingTalk Credential Type',
		name: 'dingTalkAuthentication',
		type: 'options',
		options: [
			{ name: 'DingTalk Stream API', value: 'streamApi' },
			{ name: 'DingTalk HTTP API', value: 'httpApi' },
		],
		default: 'streamApi',
		description: 'The DingTalk app whose AI card receives the answer',
	},
	expertLocator,
	messageField,
	sessionKeyField,
	{
		displayName: 'AI Card Out Track ID',
		name: 'outTrackId',
		type: 'string',
		default: '',
		required: true,
		description:
			'The AI card the answer types itself into: the outTrackId from DingTalk → Card → Send (an AI card template)',
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
				description:
					"The card is updated at most this often; while the app's card update budget is busy, at most every 800 ms. Intermediate updates that cannot get a slot are merged into the next one (each carries the whole text so far).",
			},
		],
	},
];

/** The answer broke off inside the stream: an error frame from the expert, or no `complete` event. */
class ExpertStreamError extends Error {
	constructor(
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'ExpertStreamError';
	}
}

/** Longest part of the expert's own error text shown (it comes from the server: bounded). */
const MAX_EXPERT_ERROR_CHARS = 500;
const expertFailedMessage = (error: string) =>
	`The Digital Expert failed while answering: ${error.slice(0, MAX_EXPERT_ERROR_CHARS)}`;
export const INCOMPLETE_MESSAGE =
	'The Xpert AI stream ended before the answer was complete (no "complete" event); the AI card is marked failed';
const INCOMPLETE_HINT =
	'The connection to Xpert AI closed halfway (a proxy or load balancer timeout, a restarted Xpert server). Run the item again; if it keeps happening, raise the idle timeout of whatever sits between n8n and Xpert AI.';

export const description = updateDisplayOptions(
	{ show: { resource: ['expert'], operation: ['askStreaming'] } },
	properties,
);

/**
 * Reads the expert's answer as Server-Sent Events (`runs/stream`) and types it into a DingTalk AI card as it
 * arrives: the whole text so far, at most once per update interval, then a final update that finishes the card (or
 * marks it failed). Whole-text updates make a lost or throttled update harmless.
 */
export async function execute(
	this: IExecuteFunctions,
	xpert: XpertClient,
	i: number,
): Promise<IDataObject> {
	const { expertId, message, sessionKey, timeoutMs, options, files } = readAsk.call(this, i);
	const outTrackId = requiredString(this, 'outTrackId', i, 'AI Card Out Track ID', {
		message: 'AI Card Out Track ID is empty: send an AI card first (DingTalk → Card → Send)',
	});
	const key = String(this.getNodeParameter('cardField', i, 'content') ?? '').trim() || 'content';
	const intervalMs = Math.max(100, Number(options.updateIntervalMs ?? 500));
	const dingTalk = await clientFor(this, 'dingTalkAuthentication');

	const threadId = await openThread(xpert, expertId, sessionKey);
	const request = {
		method: 'POST' as const,
		path: `/threads/${threadId}/runs/stream`,
		body: { assistant_id: expertId, input: sendInput(message, files) },
		timeoutMs,
		stream: true,
	};
	let answer = '';
	// Coalesced updates within the app's card update budget: a throttled one is superseded by the next, never fatal.
	const card = new AiCardTypist(dingTalk, { outTrackId, key }, intervalMs);
	let failure: unknown;
	// Timeout bounds the whole answer (the HTTP timeout only bounds socket silence: keep-alives reset it), and
	// stopping the execution closes the stream.
	const stop = new AbortController();
	const deadline = setTimeout(
		() => stop.abort(Object.assign(new Error(`timeout of ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
		timeoutMs,
	);
	const cancelSignal = this.getExecutionCancelSignal?.();
	const onCancel = () =>
		stop.abort(
			new NodeOperationError(
				this.getNode(),
				'The execution was stopped while the expert was answering',
				{ itemIndex: i },
			),
		);
	if (cancelSignal?.aborted) onCancel();
	else cancelSignal?.addEventListener('abort', onCancel, { once: true });
	const stopped = new Promise<never>((_, reject) =>
		stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true }),
	);
	stopped.catch(() => undefined);
	let body: Readable | undefined;
	stop.signal.addEventListener('abort', () => body?.destroy(stop.signal.reason as Error), {
		once: true,
	});
	try {
		const response = await Promise.race([
			xpert.request<Readable | { body: Readable }>({ ...request, abortSignal: stop.signal }),
			stopped,
		]);
		body = 'body' in response && response.body ? response.body : (response as Readable);
		if (stop.signal.aborted) body.destroy(stop.signal.reason as Error);
		const parser = new SseParser();
		let complete = false;
		// One decoder for the whole stream: a UTF-8 character split across two chunks is kept whole.
		const decoder = new StringDecoder('utf8');
		const take = (text: string) => {
			for (const event of parser.push(text)) {
				if (event.event === 'complete') {
					complete = true;
					continue;
				}
				const frame = textOfXpertFrame(event.data);
				if (frame.error) throw new ExpertStreamError(expertFailedMessage(frame.error));
				answer += frame.text;
			}
		};
		for await (const chunk of body) {
			take(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
			if (card.failure) throw card.failure;
			card.show(answer);
		}
		take(decoder.end());
		if (stop.signal.aborted) throw stop.signal.reason;
		if (card.failure) throw card.failure;
		// A connection that ends cleanly halfway (a proxy's idle timeout, a restarted server) looks like a finished
		// answer; only Xpert's `complete` event says it is one.
		if (!complete) throw new ExpertStreamError(INCOMPLETE_MESSAGE, INCOMPLETE_HINT);
	} catch (error) {
		failure ??= stop.signal.aborted ? stop.signal.reason : error;
	} finally {
		clearTimeout(deadline);
		cancelSignal?.removeEventListener('abort', onCancel);
		body?.destroy();
	}
	if (failure) {
		// The card shows what arrived and that it broke off, so the user is not left with a card typing forever.
		await card.finish(answer, { isError: true }).catch(() => undefined);
		if (failure instanceof DingTalkApiError) throw toNodeError(this.getNode(), failure, i);
		if (failure instanceof ExpertStreamError) {
			const secrets = await xpert.secrets();
			throw new NodeOperationError(this.getNode(), redactSecrets(failure.message, secrets), {
				itemIndex: i,
				description: failure.hint,
			});
		}
		throw failure instanceof NodeApiError || failure instanceof NodeOperationError
			? failure
			: xpertError(this.getNode(), failure, request, await xpert.secrets());
	}
	try {
		await card.finish(answer);
	} catch (error) {
		throw toNodeError(this.getNode(), error, i);
	}
	return { answer, expertId, threadId, sessionKey, outTrackId, cardUpdates: card.updates };
}
