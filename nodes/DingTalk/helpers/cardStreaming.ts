import { randomUUID } from 'crypto';

import { type CardStreamingRequest, streamCard } from '../api/cards';
import { DingTalkApiError, type DingTalkClient } from '../transport';
import { type Slot, type StreamingBudget, streamingBudgetFor } from '../transport/streamingBudget';

export type CardStreamUpdate = Omit<CardStreamingRequest, 'guid'>;

/** How long an update that must arrive (a final one, an explicit card operation) keeps trying through flow control. */
export const MUST_ARRIVE_DEADLINE_MS = 120_000;
/** Under load, the least time between two intermediate updates of one card (DingTalk's own advice: 800 ms). */
export const BUSY_UPDATE_INTERVAL_MS = 800;

export interface PacedOptions {
	/** How long flow control may hold the update back before it fails (default MUST_ARRIVE_DEADLINE_MS). */
	deadlineMs?: number;
	signal?: AbortSignal;
}

const isFlowControl = (error: unknown): error is DingTalkApiError =>
	error instanceof DingTalkApiError && error.kind === 'flowControl';

/**
 * Sends one card update that must arrive, within the app's streaming budget: ahead of intermediate updates, and
 * again at the budget's next slot each time DingTalk answers with flow control, until the deadline; then it fails
 * with an error that says so. `send` must pass `paced: true` to the client, so flow control comes back here.
 */
export async function sendPaced<T>(
	client: DingTalkClient,
	send: () => Promise<T>,
	options: PacedOptions = {},
): Promise<T> {
	const budget = streamingBudgetFor(client.app);
	const deadlineMs = options.deadlineMs ?? MUST_ARRIVE_DEADLINE_MS;
	const deadline = Date.now() + deadlineMs;
	let refused: DingTalkApiError | undefined;
	for (;;) {
		const slot = await budget.acquire('final', { deadline, signal: options.signal });
		if (!slot) {
			if (options.signal?.aborted) throw new Error('the card update was cancelled');
			throw flowControlDeadline(refused, deadlineMs);
		}
		try {
			const result = await send();
			budget.succeeded();
			return result;
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no n8n context here; callers convert it
			if (!isFlowControl(error)) throw error;
			budget.throttled(slot);
			refused = error;
		}
	}
}

function flowControlDeadline(
	last: DingTalkApiError | undefined,
	deadlineMs: number,
): DingTalkApiError {
	const seconds = Math.round(deadlineMs / 1000);
	return new DingTalkApiError({
		code: last?.code ?? 'CARD_UPDATE_BUDGET',
		dingTalkMessage: last
			? `${last.dingTalkMessage} (DingTalk's flow control refused this card update for ${seconds} s; the card may still show that it is typing)`
			: `No slot in this app's card update budget within ${seconds} s (too many card updates at once); the card may still show that it is typing`,
		requestId: last?.requestId,
		httpStatus: last?.httpStatus,
		kind: 'flowControl',
		endpoint: last?.endpoint ?? '/v1.0/card/streaming',
	});
}

/**
 * One update of an AI card's field, each with its own guid (Card → Stream Content): an update that must arrive, so
 * within the app's streaming budget.
 */
export async function streamCardContent(
	client: DingTalkClient,
	update: CardStreamUpdate,
	options: PacedOptions = {},
): Promise<{ guid: string }> {
	const guid = randomUUID();
	await sendPaced(
		client,
		async () => await streamCard(client, { ...update, guid }, { paced: true }),
		options,
	);
	return { guid };
}

/**
 * Types a growing answer into one AI card within the app's streaming budget. Every update carries the whole text so
 * far, so intermediate updates are coalesced, never queued: a card waits for at most one slot at a time and sends its
 * newest text when the slot comes. An intermediate update that flow control refuses is simply superseded by the next
 * one and never fails the answer; any other failure of one is kept in `failure`. `finish` sends the final update
 * with priority and patient retries, after any update still in flight, so it is the last one the card gets.
 */
export class AiCardTypist {
	private readonly budget: StreamingBudget;
	private latest = '';
	private sent = '';
	private lastSlotAt = Number.NEGATIVE_INFINITY;
	/** Set while this card waits for, or sends, an intermediate update (at most one at a time). */
	private pending?: { abort: AbortController; done: Promise<void> };
	private finished = false;
	private stopWaiting?: () => void;
	private readonly stopTyping: () => void;
	/** A failure of an intermediate update other than flow control (a deleted card, a wrong key…). */
	failure?: unknown;
	/** Updates sent (intermediate and final), and intermediate ones flow control refused. */
	updates = 0;
	throttled = 0;

	constructor(
		private readonly client: DingTalkClient,
		private readonly target: { outTrackId: string; key: string },
		/** The least time between two intermediate updates when the budget is free (the node's Update Interval). */
		private readonly intervalMs: number,
	) {
		this.budget = streamingBudgetFor(client.app);
		this.stopTyping = this.budget.startTyping();
	}

	/** The answer so far: it reaches the card at this card's next slot (older texts it replaces are never sent). */
	show(text: string): void {
		this.latest = text;
		this.schedule();
	}

	/**
	 * Finishes the card with the whole answer, or with what arrived, marked failed: waits for an intermediate update in flight, drops
	 * one still waiting for its slot (the final update carries its text), then sends the final update.
	 */
	async finish(
		text: string,
		final: { isError?: boolean } = {},
		options: PacedOptions = {},
	): Promise<void> {
		this.latest = text;
		this.finished = true;
		this.stopTyping();
		const pending = this.pending;
		pending?.abort.abort();
		this.stopWaiting?.();
		await pending?.done;
		await sendPaced(
			this.client,
			async () => await this.send(this.latest, true, !!final.isError),
			options,
		);
	}

	private schedule(): void {
		if (this.finished || this.failure || this.pending || this.latest === this.sent) return;
		const abort = new AbortController();
		const done = this.sendNext(abort.signal).finally(() => {
			this.pending = undefined;
			this.schedule();
		});
		this.pending = { abort, done };
	}

	private async sendNext(signal: AbortSignal): Promise<void> {
		const interval = this.budget.busy
			? Math.max(this.intervalMs, BUSY_UPDATE_INTERVAL_MS)
			: this.intervalMs;
		const wait = this.lastSlotAt + interval - Date.now();
		if (wait > 0) {
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, wait);
				this.stopWaiting = () => {
					clearTimeout(timer);
					resolve();
				};
			});
			this.stopWaiting = undefined;
		}
		if (signal.aborted) return;
		const slot = await this.budget.acquire('intermediate', { signal });
		if (!slot) return;
		this.lastSlotAt = slot.grantedAt;
		const text = this.latest;
		await this.sendIntermediate(slot, text);
	}

	private async sendIntermediate(slot: Slot, text: string): Promise<void> {
		try {
			await this.send(text, false, false);
			this.sent = text;
			this.budget.succeeded();
		} catch (error) {
			if (isFlowControl(error)) {
				this.throttled++;
				this.budget.throttled(slot);
			} else this.failure ??= error;
		}
	}

	private async send(content: string, isFinalize: boolean, isError: boolean): Promise<void> {
		this.updates++;
		await streamCard(
			this.client,
			{ ...this.target, content, isFull: true, isFinalize, isError, guid: randomUUID() },
			{ paced: true },
		);
	}
}
