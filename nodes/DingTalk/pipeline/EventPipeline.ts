import type { IDataObject } from 'n8n-workflow';

import { asStandInAnswer, type CardCallbackAnswer } from '../api/cards';
import { type DecisionKeys, isDecisionOutTrackId } from '../crypto/decisionKey';
import { t } from '../helpers/i18n';
import {
	type IncomingCallback,
	TOPIC_CARD_CALLBACK,
	TOPIC_ROBOT_MESSAGE,
} from '../transport/callbacks';
import { type OrgEventEnvelope, TOPIC_ORG_EVENT } from '../transport/orgEvents';
import { Aggregator } from './Aggregator';
import {
	alreadyDecidedNotice,
	type DecisionChoice,
	type DecisionGate,
	type DecisionRecord,
	DecisionsFullError,
	decisionStatusText,
	NOT_AN_APPROVER_NOTICE,
	processDecisions,
} from './Decisions';
import { Deduplicator } from './Deduplicator';
import { RunQueueFullError } from './RunLimiter';
import {
	type BaseMessageEvent,
	cardActionOf,
	type CardCallbackEvent,
	type MessageEvent,
	senderKeyOf,
	toCardCallbackEvent,
	toMessageEvent,
	unreadableEvent,
} from './events';
import type { PipelineOptions } from './options';
import { acceptsOrgEvent, toOrgEventItem, unreadableOrgEvent } from './orgEvents';
import { SessionStore } from './SessionStore';
import { isJsonObject, textField } from '../../shared/json';

/**
 * Starts a workflow run for one item; resolves when it finished (ok = no error), or earlier with `response` when the
 * run answered a card callback itself (Card → Answer Callback).
 */
export type EmitEvent = (item: IDataObject) => Promise<{ ok: boolean; response?: unknown }>;

/** The `decision` field of a decision click's item. */
export interface DecisionOfClick {
	decision: DecisionChoice;
	decidedBy: string;
	outTrackId: string;
	context: IDataObject;
}

/** A message waiting in the aggregation window; `done` answers its delivery once the batch's run has ended. */
interface AggregatedDelivery {
	event: MessageEvent;
	/** `notStarted`: the batch's run could not start (its error); the delivery rejects with it. */
	done: (ok: boolean, notStarted?: unknown) => void;
}

/**
 * One event pipeline for both transports (Stream and HTTP): parse, filter, de-duplicate, attach the session,
 * aggregate, emit. `handle` resolves with the ACK response once the event's run is over (or was dropped), and
 * rejects when the run failed, so Stream mode leaves the message for DingTalk to redeliver.
 */
export class EventPipeline {
	private readonly dedupe = new Deduplicator<unknown>();
	private readonly sessions: SessionStore;
	private readonly aggregator?: Aggregator<AggregatedDelivery>;
	private readonly emit: EmitEvent;
	private closing = false;

	constructor(
		private readonly options: PipelineOptions,
		emit: EmitEvent,
		private readonly now: () => number = Date.now,
		private readonly warn: (message: string) => void = () => undefined,
		/** Without one, every decision-card click is refused. */
		private readonly decisionGate?: DecisionGate,
	) {
		this.emit = this.withDeadline(emit);
		this.sessions = new SessionStore(options.sessionTimeoutSeconds * 1000, now);
		if (options.aggregationWindowSeconds > 0) {
			this.aggregator = new Aggregator(
				options.aggregationWindowSeconds * 1000,
				Math.max(options.aggregationWindowSeconds, options.aggregationMaxWaitSeconds) * 1000,
				(_key, batch) => void this.emitAggregated(batch),
				now,
			);
		}
	}

	/** True once `close()` began: no run may start after it (checked again after slow steps such as media downloads). */
	get isClosed(): boolean {
		return this.closing;
	}

	async handle(callback: IncomingCallback): Promise<unknown> {
		if (this.closing) throw new Error('the trigger is closing');
		// The transports refuse (HTTP) or ACK and log (Stream) such events before they get here; this keeps any other
		// caller from running one.
		if (unreadableEvent(callback.topic, callback.data)) return null;
		if (callback.topic === TOPIC_ROBOT_MESSAGE) return await this.handleMessage(callback);
		if (callback.topic === TOPIC_CARD_CALLBACK) return await this.handleCardCallback(callback);
		if (callback.topic === TOPIC_ORG_EVENT) return await this.handleOrgEvent(callback);
		return null;
	}

	/**
	 * An organisation event: de-duplicated on its eventId (DingTalk pushes it again when the ACK is late, 3 s in
	 * Stream mode, and may duplicate it anyway), filtered, one run per event.
	 */
	private async handleOrgEvent(callback: IncomingCallback): Promise<unknown> {
		if (unreadableOrgEvent(callback.data)) return null;
		const envelope = callback.data as unknown as OrgEventEnvelope;
		return await this.admitted(`event|${envelope.eventId}`, async () => {
			if (!this.options.events.includes('orgEvent')) return { ok: true };
			if (!acceptsOrgEvent(this.options, envelope)) return { ok: true };
			return await this.emit(toOrgEventItem(envelope, this.now()));
		});
	}

	/**
	 * Stops for good: no run starts after this. Messages still waiting for their aggregation window are either
	 * dropped (`drop`: their deliveries fail, so Stream mode leaves them un-ACKed and DingTalk redelivers them to the
	 * next connection) or sent now (`flush`: HTTP mode, where DingTalk already has its 200 and will not redeliver).
	 */
	close(pending: 'drop' | 'flush' = 'drop'): void {
		if (this.closing) return;
		if (pending === 'flush') this.aggregator?.flushAll();
		this.closing = true;
		const dropped = this.aggregator?.discardAll().flat() ?? [];
		if (dropped.length)
			this.warn(
				`DingTalk Trigger: closing; ${dropped.length} message(s) waiting for the aggregation window start no run (left for DingTalk to redeliver unless already ACKed)`,
			);
		for (const b of dropped) b.done(false);
	}

	/**
	 * A run that never ends (a Wait node, a hung call) would hold its message un-ACKed, and its de-duplication entry
	 * in flight, forever. After the deadline the message counts as handled: ACKed, and its redeliveries dropped.
	 */
	private withDeadline(emit: EmitEvent): EmitEvent {
		const deadlineMs = this.options.runDeadlineSeconds * 1000;
		return async (item) => {
			if (this.closing) throw new Error('the trigger is closing');
			let timer: NodeJS.Timeout | undefined;
			const expired = new Promise<{ ok: boolean }>((resolve) => {
				timer = setTimeout(() => {
					this.warn(
						`DingTalk Trigger: the run for ${String(item.msgId || item.callbackId || item.eventId || 'an event')} ` +
							`still runs after ${this.options.runDeadlineSeconds} s (Run Deadline); ACKing its message ` +
							`so DingTalk stops redelivering it`,
					);
					resolve({ ok: true });
				}, deadlineMs);
				timer.unref?.();
			});
			try {
				return await Promise.race([emit(item), expired]);
			} finally {
				clearTimeout(timer);
			}
		};
	}

	private async admitted(
		id: string,
		work: () => Promise<{ ok: boolean; response?: unknown }>,
	): Promise<unknown> {
		// Also for a redelivery that waited on a run which failed while the trigger closed: it must not start one now.
		if (this.closing) throw new Error('the trigger is closing');
		const admission = this.dedupe.admit(id);
		if (!admission.run) {
			// A redelivery: the first delivery's outcome answers it, unless that run failed and may run again.
			const settled = await admission.outcome;
			return settled.retry ? await this.admitted(id, work) : (settled.value ?? null);
		}
		let result: { ok: boolean; response?: unknown };
		try {
			result = await work();
		} catch (error) {
			// A message refused by a full wait queue (or a full decision store) never ran: counting it as a failed run would, after two refusals,
			// ACK its later redeliveries as handled without it ever running.
			admission.settle(
				error instanceof RunQueueFullError || error instanceof DecisionsFullError
					? 'notStarted'
					: 'failed',
			);
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- rejecting leaves the message un-ACKed for redelivery
			throw error;
		}
		admission.settle(result.ok ? 'succeeded' : 'failed', result.response);
		if (!result.ok) throw new Error('the workflow run failed');
		return result.response ?? null;
	}

	private async handleMessage(callback: IncomingCallback): Promise<unknown> {
		const data = callback.data as IDataObject;
		return await this.admitted(
			typeof data.msgId === 'string' && data.msgId ? data.msgId : callback.messageId,
			async () => {
				if (!this.options.events.includes('message')) return { ok: true };
				const base = toMessageEvent(data, this.now());
				if (!this.accepts(base, data)) return { ok: true };
				const sender = senderKeyOf(base, data);
				const sessionKey = SessionStore.keyFor(
					base.conversationId,
					sender,
					this.options.sharedGroupSession,
					base.conversationType === 'group',
				);
				const event = Object.assign(base, this.sessions.touch(sessionKey)) as MessageEvent;
				if (!this.aggregator) return await this.emit(event);
				const aggregator = this.aggregator;
				return await new Promise<{ ok: boolean }>((resolve, reject) => {
					// Per sender, by the same ID as sessions: external users have no staff ID, and two of them must not share a batch.
					aggregator.add(`${event.conversationId}|${sender}`, {
						event,
						done: (ok, notStarted) => (notStarted ? reject(notStarted) : resolve({ ok })),
					});
				});
			},
		);
	}

	private accepts(event: BaseMessageEvent, data: IDataObject): boolean {
		const o = this.options;
		if (o.conversationTypes !== 'both' && o.conversationTypes !== event.conversationType)
			return false;
		if (event.conversationType === 'group' && o.groupMentionsOnly && !event.isMentioned)
			return false;
		// The bot's own messages carry its own user ID as the sender.
		if (o.ignoreOwnMessages && data.chatbotUserId && data.senderId === data.chatbotUserId)
			return false;
		if (o.allowedSenderIds.length && !o.allowedSenderIds.includes(event.senderStaffId))
			return false;
		if (o.allowedConversationIds.length && !o.allowedConversationIds.includes(event.conversationId))
			return false;
		return true;
	}

	private async emitAggregated(batch: AggregatedDelivery[]): Promise<void> {
		const events = batch.map((b) => b.event);
		const last = events[events.length - 1];
		const combined: MessageEvent = {
			...last,
			text: events
				.map((e) => e.text)
				.filter(Boolean)
				.join('\n'),
			rawText: events
				.map((e) => e.rawText)
				.filter(Boolean)
				.join('\n'),
			isNewSession: events[0].isNewSession,
			// The latest quote of the batch: a quote in an earlier part is not lost to a plain last message.
			quoted: events.reduce<MessageEvent['quoted']>((found, e) => e.quoted ?? found, null),
			msgIds: events.map((e) => e.msgId),
			parts: events.map((e) => ({
				msgId: e.msgId,
				messageType: e.messageType,
				text: e.text,
				createdAt: e.createdAt,
				quoted: e.quoted,
				raw: e.raw,
			})),
		};
		let ok = false;
		let notStarted: unknown;
		try {
			ok = (await this.emit(combined)).ok;
		} catch (error) {
			// A run that could not start (a full wait queue): each delivery of the batch rejects with its error, so
			// admitted() counts it as not started rather than as a failed run. Nothing awaits this promise: rethrowing
			// here would be an unhandled rejection.
			notStarted = error;
		} finally {
			for (const b of batch) b.done(ok, notStarted);
		}
	}

	private async handleCardCallback(callback: IncomingCallback): Promise<unknown> {
		return await this.admitted(callback.messageId, async () => {
			if (!this.options.events.includes('cardCallback')) return { ok: true };
			const event = toCardCallbackEvent(callback.data as IDataObject, this.now());
			event.callbackId = callback.messageId;
			if (isDecisionOutTrackId(event.outTrackId))
				return await this.handleDecision(event, callback.messageId);
			const action = cardActionOf(event);
			const endsSession =
				!!this.options.endSessionAction &&
				(action === this.options.endSessionAction ||
					event.actionIds.includes(this.options.endSessionAction));
			let response: unknown;
			if (endsSession) {
				const isGroup = event.spaceType.toUpperCase().includes('GROUP');
				const key = SessionStore.keyFor(
					event.conversationId,
					event.userId,
					this.options.sharedGroupSession,
					isGroup,
				);
				const endedSessionId =
					this.sessions.end(key) ??
					this.sessions.end(SessionStore.keyFor(event.conversationId, event.userId, false, false));
				const notice = t(this.options.language, 'sessionEnded');
				Object.assign(event, {
					sessionEnded: true,
					endedSessionId: endedSessionId ?? null,
					notice,
				});
				// UNCONFIRMED: shown where the card template has a `sessionNotice` variable.
				response = {
					cardData: { cardParamMap: { sessionNotice: notice } },
					cardUpdateOptions: { updateCardDataByKey: true },
				};
			}
			const result = await this.emit(event);
			return { ok: result.ok, response: result.response ?? response };
		});
	}

	/**
	 * A click on a decision card, decided here before any run: a click without this user's key (not a listed approver,
	 * or a forged or altered card) and a click on a card already decided (or being decided) start no run and are
	 * answered at once; the first approver's click runs, and the card shows the decision (the run's own answer, or
	 * this trigger's). Refusals say nothing beyond their notice.
	 */
	private async handleDecision(
		event: CardCallbackEvent,
		deliveryId: string,
	): Promise<{ ok: boolean; response?: unknown }> {
		const gate = this.decisionGate;
		const click = gate && readDecisionClick(gate.keys, event);
		if (!gate || !click) return { ok: true, response: noticeAnswer(NOT_AN_APPROVER_NOTICE) };
		const store = gate.store ?? processDecisions;
		const claim = store.claim(gate.scope, event.outTrackId, deliveryId, {
			decision: click.decision,
			decidedBy: event.userId,
		});
		if (!claim.run)
			return {
				ok: true,
				response: decidedAnswer(claim.decided, alreadyDecidedNotice(claim.decided.decidedBy)),
			};
		const decision: DecisionOfClick = {
			decision: click.decision,
			decidedBy: event.userId,
			outTrackId: event.outTrackId,
			context: click.context,
		};
		event.decision = decision as unknown as IDataObject;
		let result: { ok: boolean; response?: unknown };
		try {
			result = await this.emit(event);
		} catch (error) {
			claim.settle(false);
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- rejecting leaves the click un-ACKed for redelivery
			throw error;
		}
		const answeredStatus = statusTextOf(result.response);
		claim.settle(result.ok, answeredStatus);
		return {
			ok: result.ok,
			response:
				result.response ??
				asStandInAnswer(
					decidedAnswer({
						decision: click.decision,
						decidedBy: event.userId,
						statusText: answeredStatus ?? '',
					}),
				),
		};
	}
}

/** The approver's choice and the card's context, when the click carries this user's key for them; else undefined. */
function readDecisionClick(
	keys: DecisionKeys,
	event: CardCallbackEvent,
): { decision: DecisionChoice; context: IDataObject } | undefined {
	const { params } = event;
	const decision = textField(params.decision);
	if (decision !== 'approve' && decision !== 'refuse') return undefined;
	// UNCONFIRMED: DingTalk hands `${context}` over as the card variable's text; anything else is not this card's.
	if (typeof params.context !== 'string') return undefined;
	if (!keys.matches(event.outTrackId, event.userId, params.context, textField(params.decisionKey)))
		return undefined;
	try {
		const context = JSON.parse(params.context) as unknown;
		return isJsonObject<IDataObject>(context) ? { decision, context } : undefined;
	} catch {
		return undefined;
	}
}

/** The clicker's private notice (only they see it), leaving the card as it is. */
function noticeAnswer(notice: string): CardCallbackAnswer {
	return {
		userPrivateData: { cardParamMap: { notice } },
		cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
	};
}

/** The card showing the decision (every viewer), plus the clicker's private notice when there is one. */
function decidedAnswer(record: DecisionRecord, notice?: string): CardCallbackAnswer {
	const statusText = record.statusText || decisionStatusText(record.decision, record.decidedBy);
	return {
		cardData: {
			cardParamMap: {
				decided: 'true',
				decision: record.decision,
				decidedBy: record.decidedBy,
				statusText,
			},
		},
		...(notice ? { userPrivateData: { cardParamMap: { notice } } } : {}),
		cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
	};
}

/** The statusText a run's own answer (Card → Answer Callback) set on the card, if any. */
function statusTextOf(response: unknown): string | undefined {
	if (!isJsonObject(response) || !isJsonObject(response.cardData)) return undefined;
	const map = response.cardData.cardParamMap;
	const text = isJsonObject(map) ? map.statusText : undefined;
	return typeof text === 'string' && text ? text : undefined;
}
