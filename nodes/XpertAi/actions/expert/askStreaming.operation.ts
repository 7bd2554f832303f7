import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { Readable } from 'stream';
import { StringDecoder } from 'string_decoder';

import { requiredString } from '../../../shared/parameters';
import {
	clientFor,
	DingTalkApiError,
	streamCardContent,
	toNodeError,
} from '../../../shared/dingTalk';
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
					'The card is updated at most this often: DingTalk throttles frequent streaming updates (HTTP 403 QpsLimit)',
			},
		],
	},
];

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
	let sent = '';
	let updates = 0;
	let lastUpdate = 0;
	// Updates run one after another (a timer flush and a chunk never write the card at once).
	let queue: Promise<unknown> = Promise.resolve();
	const update = async (final: { isFinalize?: boolean; isError?: boolean } = {}) => {
		const run = queue.then(async () => {
			sent = answer;
			lastUpdate = Date.now();
			updates++;
			await streamCardContent(dingTalk, {
				outTrackId,
				key,
				content: answer,
				isFull: true,
				isFinalize: !!final.isFinalize,
				isError: !!final.isError,
			});
		});
		queue = run.catch(() => undefined);
		await run;
	};
	let failure: unknown;
	// Text that arrives between updates is flushed by a timer, so a pause of the expert does not hide the last words.
	let flushTimer: ReturnType<typeof setTimeout> | undefined;
	const scheduleFlush = () => {
		if (flushTimer || answer === sent) return;
		flushTimer = setTimeout(
			() => {
				flushTimer = undefined;
				if (answer !== sent) update().catch((error: unknown) => (failure ??= error));
			},
			Math.max(0, intervalMs - (Date.now() - lastUpdate)),
		);
	};
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
		// One decoder for the whole stream: a UTF-8 character split across two chunks is kept whole.
		const decoder = new StringDecoder('utf8');
		const take = (text: string) => {
			for (const event of parser.push(text)) {
				if (event.event === 'complete') continue;
				const frame = textOfXpertFrame(event.data);
				if (frame.error) throw new Error(frame.error);
				answer += frame.text;
			}
		};
		for await (const chunk of body) {
			take(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
			if (failure) throw failure;
			if (answer !== sent && Date.now() - lastUpdate >= intervalMs) await update();
			else scheduleFlush();
		}
		take(decoder.end());
		if (stop.signal.aborted) throw stop.signal.reason;
	} catch (error) {
		failure ??= stop.signal.aborted ? stop.signal.reason : error;
	} finally {
		clearTimeout(deadline);
		clearTimeout(flushTimer);
		cancelSignal?.removeEventListener('abort', onCancel);
		body?.destroy();
	}
	if (failure) {
		// The card shows what arrived and that it broke off, so the user is not left with a card typing forever.
		await update({ isFinalize: true, isError: true }).catch(() => undefined);
		if (failure instanceof DingTalkApiError) throw toNodeError(this.getNode(), failure, i);
		throw failure instanceof NodeApiError || failure instanceof NodeOperationError
			? failure
			: xpertError(this.getNode(), failure, request, await xpert.secrets());
	}
	await update({ isFinalize: true });
	return { answer, expertId, threadId, sessionKey, outTrackId, cardUpdates: updates };
}
