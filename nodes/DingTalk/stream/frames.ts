/** DingTalk Stream frames (see the protocol notes: downstream frames carry `data` as a JSON string). */

export const TOPIC_ROBOT_MESSAGE = '/v1.0/im/bot/messages/get';
export const TOPIC_CARD_CALLBACK = '/v1.0/card/instances/callback';
export const STREAM_TOPICS = [TOPIC_ROBOT_MESSAGE, TOPIC_CARD_CALLBACK];

export interface DownstreamFrame {
	specVersion?: string;
	type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
	headers: { messageId: string; topic: string; [key: string]: string };
	data: string;
}

/** A CALLBACK as subscribers see it: its data parsed once. */
export interface StreamCallback {
	topic: string;
	messageId: string;
	headers: Record<string, string>;
	data: Record<string, unknown>;
	receivedAt: number;
}

export const MAX_FRAME_BYTES = 1024 * 1024;

/** Parses a downstream frame, or says why it cannot be used. Never throws: bad frames must not kill the socket. */
export function parseDownstream(raw: string): { frame: DownstreamFrame } | { problem: string } {
	if (raw.length > MAX_FRAME_BYTES) return { problem: `frame of ${raw.length} bytes exceeds ${MAX_FRAME_BYTES}` };
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return { problem: 'frame is not JSON' };
	}
	const frame = value as Partial<DownstreamFrame>;
	if (typeof frame !== 'object' || frame === null) return { problem: 'frame is not an object' };
	if (!['SYSTEM', 'EVENT', 'CALLBACK'].includes(String(frame.type))) return { problem: `unknown frame type ${String(frame.type)}` };
	if (typeof frame.headers !== 'object' || frame.headers === null) return { problem: 'frame has no headers' };
	if (!frame.headers.messageId || !frame.headers.topic) return { problem: 'frame headers lack messageId or topic' };
	return { frame: frame as DownstreamFrame };
}

/** Parses a CALLBACK's data string (JSON text of an object). */
export function parseCallbackData(frame: DownstreamFrame): Record<string, unknown> | undefined {
	try {
		const data = JSON.parse(frame.data) as unknown;
		return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
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
	return JSON.stringify({ code: 200, headers: { contentType: 'application/json', messageId: frame.headers.messageId }, message: 'OK', data: frame.data });
}

/** EVENT frames are ACKed at once with SUCCESS (the app subscribes to none, but the gateway may send some). */
export function eventAck(messageId: string): string {
	return JSON.stringify({
		code: 200,
		headers: { contentType: 'application/json', messageId },
		message: 'OK',
		data: JSON.stringify({ status: 'SUCCESS', message: 'success' }),
	});
}
