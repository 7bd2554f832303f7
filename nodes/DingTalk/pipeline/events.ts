import type { IDataObject } from 'n8n-workflow';

import { TOPIC_CARD_CALLBACK, TOPIC_ROBOT_MESSAGE } from '../transport/callbacks';
import { isJsonObject } from '../../shared/json';

/** The DingTalk Trigger's message item: flat, documented, with DingTalk's payload kept under `raw`. */
interface MessageFields {
	event: 'message';
	text: string;
	rawText: string;
	messageType: string;
	msgId: string;
	senderStaffId: string;
	senderNick: string;
	senderIsAdmin: boolean;
	conversationId: string;
	conversationType: 'direct' | 'group';
	conversationTitle: string;
	isMentioned: boolean;
	mentionedUsers: IDataObject[];
	robotCode: string;
	sessionWebhook: string;
	sessionWebhookExpiredTime: number;
	createdAt: number;
	receivedAt: string;
	raw: IDataObject;
}

export type BaseMessageEvent = MessageFields & IDataObject;
export type MessageEvent = BaseMessageEvent & { sessionId: string; isNewSession: boolean };

interface CardCallbackFields {
	event: 'cardCallback';
	userId: string;
	outTrackId: string;
	conversationId: string;
	spaceType: string;
	actionIds: string[];
	params: IDataObject;
	value: IDataObject;
	receivedAt: string;
	raw: IDataObject;
}

export type CardCallbackEvent = CardCallbackFields & IDataObject;

/*
 * Every field is read defensively: DingTalk's payload is untrusted input, and a wrongly typed field (an object where
 * a string belongs, `atUsers: "x"`, `actionIds: {}`) must become an empty value, never a throw inside the pipeline.
 */

/** A text field: strings as they are, numbers as their digits, anything else empty (String() throws on some objects). */
const str = (value: unknown): string =>
	typeof value === 'string'
		? value
		: typeof value === 'number' && Number.isFinite(value)
			? String(value)
			: '';

/** A numeric field (DingTalk sends milliseconds as numbers, some as digit strings); 0 when unreadable. */
function num(value: unknown): number {
	const n =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: 0;
	return Number.isFinite(n) ? n : 0;
}

const obj = (value: unknown): IDataObject => (isJsonObject<IDataObject>(value) ? value : {});

/** The plain objects of a list field; [] when it is not a list. */
const objects = (value: unknown): IDataObject[] =>
	Array.isArray(value) ? value.filter((v) => isJsonObject<IDataObject>(v)) : [];

/** The text a user wrote, for every message type that has one (rich text joins its text parts). */
function textOf(data: IDataObject): string {
	const type = str(data.msgtype);
	const content = obj(data.content);
	if (type === 'text') return str(obj(data.text).content);
	if (type === 'richText')
		return objects(content.richText)
			.map((p) => str(p.text))
			.filter(Boolean)
			.join('');
	if (type === 'audio') return str(content.recognition);
	if (type === 'file') return str(content.fileName);
	return '';
}

/** DingTalk puts the @mention of the bot in the text ("@Bot hello", or just a leading space when removed). */
export function stripMention(text: string, botNames: string[] = []): string {
	let out = text;
	for (const name of botNames) if (name) out = out.split(`@${name}`).join('');
	// trim() removes exactly what /^\s+|\s+$/ would, in linear time: /\s+$/ backtracks quadratically on a long run
	// of spaces followed by a letter, and runs on every message before any filter.
	return out.trim();
}

/** A file a message carries, fetched with DingTalk's robot message-file download API. */
export interface MediaRef {
	type: 'picture' | 'audio' | 'video' | 'file';
	downloadCode: string;
	fileName?: string;
}

export function mediaOf(data: IDataObject): MediaRef[] {
	const content = obj(data.content);
	const type = str(data.msgtype);
	const code = str(content.downloadCode) || str(content.pictureDownloadCode);
	if ((type === 'picture' || type === 'audio' || type === 'video') && code)
		return [{ type, downloadCode: code }];
	if (type === 'file' && code)
		return [{ type, downloadCode: code, fileName: str(content.fileName) || undefined }];
	if (type === 'richText') {
		return objects(content.richText)
			.filter(
				(part) =>
					part.type === 'picture' && (str(part.downloadCode) || str(part.pictureDownloadCode)),
			)
			.map((part) => ({
				type: 'picture' as const,
				downloadCode: str(part.downloadCode) || str(part.pictureDownloadCode),
			}));
	}
	return [];
}

export function toMessageEvent(data: IDataObject, now = Date.now()): BaseMessageEvent {
	const rawText = textOf(data);
	const atUsers = objects(data.atUsers).map((u) => ({
		dingtalkId: str(u.dingtalkId),
		staffId: str(u.staffId),
	}));
	const isGroup = str(data.conversationType) === '2';
	const botId = str(data.chatbotUserId);
	const isMentioned =
		data.isInAtList === true || atUsers.some((u) => u.dingtalkId && u.dingtalkId === botId);
	return {
		event: 'message',
		text: stripMention(rawText),
		rawText,
		messageType: str(data.msgtype) || 'unknown',
		msgId: str(data.msgId),
		senderStaffId: str(data.senderStaffId),
		senderNick: str(data.senderNick),
		senderIsAdmin: data.isAdmin === true,
		conversationId: str(data.conversationId),
		conversationType: isGroup ? 'group' : 'direct',
		conversationTitle: str(data.conversationTitle),
		isMentioned,
		mentionedUsers: atUsers,
		robotCode: str(data.robotCode),
		sessionWebhook: str(data.sessionWebhook),
		sessionWebhookExpiredTime: num(data.sessionWebhookExpiredTime),
		createdAt: num(data.createAt ?? data.createA),
		receivedAt: new Date(now).toISOString(),
		raw: data,
	};
}

/** The sender's ID for session keys: staff ID, else DingTalk's user ID (external users have no staff ID). */
export function senderKeyOf(event: BaseMessageEvent, data: IDataObject): string {
	return event.senderStaffId || str(data.senderId);
}

/** A card callback's `value` (or `content`): a JSON object, or a JSON string of one; undefined otherwise. */
function cardValueOf(data: IDataObject): IDataObject | undefined {
	const value = data.value ?? data.content;
	if (isJsonObject<IDataObject>(value)) return value;
	if (typeof value !== 'string') return undefined;
	try {
		const parsed = JSON.parse(value) as unknown;
		return isJsonObject<IDataObject>(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

export function toCardCallbackEvent(data: IDataObject, now = Date.now()): CardCallbackEvent {
	const value = cardValueOf(data) ?? {};
	const privateData = obj(value.cardPrivateData);
	return {
		event: 'cardCallback',
		userId: str(data.userId),
		outTrackId: str(data.outTrackId),
		conversationId: str(data.spaceId),
		spaceType: str(data.spaceType),
		actionIds: (Array.isArray(privateData.actionIds) ? privateData.actionIds : [])
			.map(str)
			.filter(Boolean),
		params: obj(privateData.params),
		value,
		receivedAt: new Date(now).toISOString(),
		raw: data,
	};
}

/** A card button's `action` parameter, as text. */
export function cardActionOf(event: CardCallbackEvent): string {
	return str(event.params.action);
}

/**
 * Why an event cannot be read, or undefined when it can. Only the fields that say what the event is and where it
 * belongs are required (a message's type and conversation, a card's instance and what was clicked); every other field
 * is normalised. Such an event is refused (HTTP: before DingTalk gets its 200) or ACKed and logged (Stream), so it
 * is never dropped silently.
 */
export function unreadableEvent(topic: string, data: Record<string, unknown>): string | undefined {
	if (topic === TOPIC_ROBOT_MESSAGE) {
		if (typeof data.msgtype !== 'string' || !data.msgtype) return 'robot message without a msgtype';
		if (typeof data.conversationId !== 'string' || !data.conversationId)
			return 'robot message without a conversationId';
		if (data.msgId !== undefined && (typeof data.msgId !== 'string' || !data.msgId))
			return 'robot message whose msgId is not a string';
		return undefined;
	}
	if (topic === TOPIC_CARD_CALLBACK) {
		if (typeof data.outTrackId !== 'string' || !data.outTrackId)
			return 'card callback without an outTrackId';
		if (!cardValueOf(data as IDataObject)) return 'card callback whose value is not a JSON object';
	}
	return undefined;
}
