/** DingTalk Stream frames (see the protocol notes: downstream frames carry `data` as a JSON string). */

import {
	type IncomingCallback,
	TOPIC_CARD_CALLBACK,
	TOPIC_ROBOT_MESSAGE,
} from '../transport/callbacks';
import { isJsonObject } from '../../shared/json';

export const STREAM_TOPICS = [TOPIC_ROBOT_MESSAGE, TOPIC_CARD_CALLBACK];

export interface DownstreamFrame {
	specVersion?: string;
	type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
	headers: { messageId: string; topic: string; [key: string]: string };
	data: string;
}

/** A CALLBACK as subscribers see it: its data parsed once. */
export interface StreamCallback extends IncomingCallback {
	headers: Record<string, string>;
	receivedAt: number;
}

export const MAX_FRAME_BYTES = 1024 * 1024;

const FRAME_TYPES = new Set(['SYSTEM', 'EVENT', 'CALLBACK']);

/**
 * Parses a downstream frame, or says why it cannot be used. Never throws, whatever the JSON: it runs inside the
 * socket's message listener, where a throw kills plain Node and, under n8n's uncaughtException handler, wedges the
 * socket until the next missed keep-alive. The frame it returns holds only strings (headers that are not strings are
 * dropped, `data` that is not a string is empty), so the ACK, ping and callback paths cannot throw on it either
 * (String() throws on {"toString":1}; JSON.stringify overflows the stack on deeply nested arrays).
 */
export function parseDownstream(raw: string): { frame: DownstreamFrame } | { problem: string } {
	if (raw.length > MAX_FRAME_BYTES)
		return { problem: `frame of ${raw.length} bytes exceeds ${MAX_FRAME_BYTES}` };
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return { problem: 'frame is not JSON' };
	}
	if (!isJsonObject(value)) return { problem: 'frame is not an object' };
	// The problems name what was wrong, never echo the frame (a log line must not carry the attacker's bytes).
	if (typeof value.type !== 'string' || !FRAME_TYPES.has(value.type))
		return { problem: 'unknown frame type' };
	if (!isJsonObject(value.headers)) return { problem: 'frame has no headers' };
	const headers: Record<string, string> = {};
	for (const [key, header] of Object.entries(value.headers))
		if (typeof header === 'string') headers[key] = header;
	const { messageId, topic } = headers;
	if (!messageId || !topic) return { problem: 'frame headers lack messageId or topic' };
	const frame: DownstreamFrame = {
		type: value.type as DownstreamFrame['type'],
		headers: { ...headers, messageId, topic },
		data: typeof value.data === 'string' ? value.data : '',
	};
	if (typeof value.specVersion === 'string') frame.specVersion = value.specVersion;
	return { frame };
}

/** Parses a CALLBACK's data string (JSON text of an object). */
export function parseCallbackData(frame: DownstreamFrame): Record<string, unknown> | undefined {
	try {
		const data = JSON.parse(frame.data) as unknown;
		return isJsonObject(data) ? data : undefined;
	} catch {
		return undefined;
	}
}

/** The ACK DingTalk expects for a CALLBACK: code 200, the same messageId, data = {"response": …}. */
export function callbackAck(messageId: string, response: unknown = null): string {
	return JSON.stringify({
		code: 200,
		headers: { contentType: 'application/json', messageId },
		message: 'OK',
		data: JSON.stringify({ response }),
	});
}

/** Echo of a SYSTEM ping: same messageId, same data. */
export function pingReply(frame: DownstreamFrame): string {
	return JSON.stringify({
		code: 200,
		headers: { contentType: 'application/json', messageId: frame.headers.messageId },
		message: 'OK',
		data: frame.data,
	});
}

export type EventAckStatus = 'SUCCESS' | 'LATER';

/**
 * The ACK of an EVENT frame: code 200, the same messageId, data `{status, message}`; `status` is required. LATER
 * asks DingTalk to push the event again later (its interval and count are UNCONFIRMED).
 */
export function eventAck(messageId: string, status: EventAckStatus = 'SUCCESS'): string {
	return JSON.stringify({
		code: 200,
		headers: { contentType: 'application/json', messageId },
		message: 'OK',
		data: JSON.stringify({ status, message: status === 'SUCCESS' ? 'success' : 'later' }),
	});
}

/** The ACK status for an EVENT: SUCCESS unless a run that wanted it failed (LATER: DingTalk pushes it again). */
export function eventAckStatus(
	outcomes: Array<{ status: 'fulfilled' | 'rejected' }>,
): EventAckStatus {
	return outcomes.some((outcome) => outcome.status === 'rejected') ? 'LATER' : 'SUCCESS';
}

/** The subscriptions sent when a connection opens: the CALLBACK topics, and EVENT `*` only when asked for. */
export function streamSubscriptions(events: boolean): Array<{ type: string; topic: string }> {
	const callbacks = STREAM_TOPICS.map((topic) => ({ type: 'CALLBACK', topic }));
	return events ? [{ type: 'EVENT', topic: '*' }, ...callbacks] : callbacks;
}
