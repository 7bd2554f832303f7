/**
 * DingTalk organisation events (approvals, contacts, departments, attendance) as both transports carry them, reduced
 * to one envelope: Stream EVENT frames put the meta in headers (eventType, eventId, eventCorpId, eventBornTime) and
 * the business fields in `data`; encrypted HTTP pushes are flat, with capitalised legacy meta (EventType, CorpId,
 * TimeStamp) or current lower-case names. Every field is untrusted input: wrongly typed ones read as empty.
 */
import { createHash } from 'crypto';

import { isJsonObject } from '../../shared/json';
import type { IncomingCallback } from './callbacks';

/** The pipeline's topic for organisation events (not a DingTalk topic: EVENT frames' own `topic` header varies). */
export const TOPIC_ORG_EVENT = 'dingtalk:event';

/** What the pipeline gets as `data` of an organisation event. */
export interface OrgEventEnvelope {
	eventType: string;
	eventId: string;
	corpId: string;
	/** Milliseconds since the epoch; 0 when DingTalk sent no readable time. */
	bornAt: number;
	/** The business fields, as DingTalk sent them. */
	data: Record<string, unknown>;
}

/** Event types are short identifiers (`bpms_instance_change`); anything else is not one. */
const EVENT_TYPE = /^[A-Za-z0-9_.:-]{1,100}$/;
/** Event IDs are opaque, a few dozen characters; a longer one would be memory in the de-duplication table. */
const MAX_EVENT_ID_CHARS = 200;

const text = (value: unknown): string =>
	typeof value === 'string'
		? value
		: typeof value === 'number' && Number.isFinite(value)
			? String(value)
			: '';

/** Seconds (10 digits) or milliseconds, as numbers or digit strings; 0 when unreadable. */
export function epochMs(value: unknown): number {
	const raw = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
	if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) return 0;
	return raw < 1e11 ? raw * 1000 : raw;
}

/** A stable digest of an event without its own ID, so DingTalk's retries of it are recognised. */
function digestOf(eventType: string, data: unknown): string {
	let json: string;
	try {
		json = JSON.stringify(data);
	} catch {
		json = '';
	}
	return `sha1-${createHash('sha1').update(eventType).update('\0').update(json).digest('hex')}`;
}

function validEventId(value: unknown): string {
	const id = text(value);
	return id && id.length <= MAX_EVENT_ID_CHARS ? id : '';
}

/**
 * A Stream EVENT frame's envelope, or why it cannot be used. The frame's `messageId` differs on every redelivery
 * (UNCONFIRMED: DingTalk's docs say nothing), so the de-duplication key is `eventId`, and without one a digest of the
 * event.
 */
export function orgEventFromStream(
	headers: Record<string, string>,
	dataText: string,
): { envelope: OrgEventEnvelope } | { problem: string } {
	const eventType = headers.eventType ?? '';
	if (!EVENT_TYPE.test(eventType)) return { problem: 'event frame without a usable eventType' };
	let data: unknown;
	try {
		data = dataText ? JSON.parse(dataText) : {};
	} catch {
		return { problem: 'event data is not JSON' };
	}
	if (!isJsonObject(data)) return { problem: 'event data is not a JSON object' };
	return {
		envelope: {
			eventType,
			eventId: validEventId(headers.eventId) || digestOf(eventType, data),
			corpId: headers.eventCorpId ?? '',
			bornAt: epochMs(headers.eventBornTime),
			data,
		},
	};
}

/** Meta fields of a flat HTTP push: they describe the event, the rest is `data`. */
const HTTP_META = new Set(['EventType', 'eventType', 'CorpId', 'corpId', 'eventId', 'EventId']);

/**
 * An encrypted HTTP push's envelope (already decrypted and a JSON object), or why it cannot be used. Reads both the
 * legacy capitalised names (EventType, CorpId, TimeStamp, UserId) and the current ones; `data` keeps every business
 * field as sent (UserId stays UserId), with `userId` added when only the legacy name was sent.
 */
export function orgEventFromHttp(
	event: Record<string, unknown>,
): { envelope: OrgEventEnvelope } | { problem: string } {
	const eventType = text(event.EventType) || text(event.eventType);
	if (!EVENT_TYPE.test(eventType)) return { problem: 'event push without a usable EventType' };
	const data: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(event)) {
		if (HTTP_META.has(key)) continue;
		Object.defineProperty(data, key, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	if (!('userId' in data) && 'UserId' in data) data.userId = data.UserId;
	if (!('timeStamp' in data) && 'TimeStamp' in data) data.timeStamp = data.TimeStamp;
	const bornAt =
		epochMs(event.EventTime) ||
		epochMs(event.eventTime) ||
		epochMs(event.TimeStamp) ||
		epochMs(event.timeStamp) ||
		epochMs(event.timestamp);
	return {
		envelope: {
			eventType,
			eventId:
				validEventId(event.eventId) || validEventId(event.EventId) || digestOf(eventType, data),
			corpId: text(event.CorpId) || text(event.corpId),
			bornAt,
			data,
		},
	};
}

/** The envelope as the pipeline takes it; the de-duplication key is the event's ID. */
export function orgEventCallback(envelope: OrgEventEnvelope): IncomingCallback {
	return {
		topic: TOPIC_ORG_EVENT,
		messageId: envelope.eventId,
		data: envelope as unknown as Record<string, unknown>,
	};
}
