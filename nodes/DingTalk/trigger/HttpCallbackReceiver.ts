import type { IDataObject } from 'n8n-workflow';

import { HttpCallbackVerifier, type HttpCallbackSettings } from '../http/HttpCallbackVerifier';
import type { DecisionGate } from '../pipeline/Decisions';
import { EventPipeline } from '../pipeline/EventPipeline';
import type { PipelineOptions } from '../pipeline/options';
import type { IncomingCallback } from '../transport/callbacks';

export interface Reception {
	/** The item to start a run with; absent when the callback was filtered, a duplicate, or joined an aggregate. */
	item?: IDataObject;
	/** What the pipeline answers (a card update for card callbacks), as in Stream mode's ACK. */
	response: unknown;
}

/**
 * HTTP mode's side of the shared event pipeline. n8n calls the webhook once per request, in a fresh context, and
 * starts a run only with what that call returns; the pipeline (de-duplication, sessions, aggregation) must outlive
 * the calls. So each request waits on the pipeline, and the pipeline's emit hands the item to the request that
 * carries it (for an aggregate, the last message's request, which is the one still waiting).
 */
export class HttpCallbackReceiver {
	readonly verifier: HttpCallbackVerifier;
	private readonly pipeline: EventPipeline;
	/**
	 * The requests waiting for their item, per delivery ID. Several requests can carry one ID (DingTalk's retries):
	 * each removes only its own hand, so a duplicate that ends early cannot take the hand-over of an aggregate whose
	 * last message it duplicates (which then failed the whole aggregate, innocent messages included).
	 */
	private readonly waiting = new Map<string, Array<(item: IDataObject) => void>>();

	constructor(
		settings: HttpCallbackSettings,
		options: PipelineOptions,
		now: () => number = Date.now,
		decisionGate?: DecisionGate,
	) {
		this.verifier = new HttpCallbackVerifier(settings, now);
		this.pipeline = new EventPipeline(
			options,
			async (item) => {
				// The oldest request still waiting with this ID starts the run. The run's outcome is never known here
				// (DingTalk has its answer before the run starts): a decision counts as made once its run started.
				const hand = this.waiting.get(deliveryIdOf(item))?.[0];
				hand?.(item);
				return { ok: hand !== undefined };
			},
			now,
			undefined,
			decisionGate,
		);
	}

	async receive(callback: IncomingCallback): Promise<Reception> {
		let item: IDataObject | undefined;
		const hand = (handed: IDataObject) => (item = handed);
		const hands = this.waiting.get(callback.messageId) ?? [];
		hands.push(hand);
		this.waiting.set(callback.messageId, hands);
		try {
			const response = await this.pipeline.handle(callback);
			return { item, response };
		} finally {
			hands.splice(hands.indexOf(hand), 1);
			if (hands.length === 0) this.waiting.delete(callback.messageId);
		}
	}

	close(): void {
		// DingTalk already has its 200 for these messages and will not redeliver them: send them rather than lose them.
		this.pipeline.close('flush');
	}
}

/**
 * The delivery an emitted item belongs to: messages by msgId, organisation events by eventId, card callbacks by the
 * ID the verifier gave them.
 */
function deliveryIdOf(item: IDataObject): string {
	if (item.event === 'message') return String(item.msgId);
	if (item.event === 'orgEvent') return String(item.eventId);
	return String(item.callbackId);
}
