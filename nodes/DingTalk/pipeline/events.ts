import type { IDataObject } from 'n8n-workflow';

import { TOPIC_CARD_CALLBACK, TOPIC_ROBOT_MESSAGE } from '../transport/callbacks';
import { TOPIC_ORG_EVENT } from '../transport/orgEvents';
import { unreadableOrgEvent } from './orgEvents';
import { isJsonObject, textField } from '../../shared/json';

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
	/** The message this one replies to (quotes), or null. */
	quoted: QuotedMessage | null;
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
	const type = textField(data.msgtype);
	const content = obj(data.content);
	if (type === 'text') return textField(obj(data.text).content);
	if (type === 'richText')
		return objects(content.richText)
			.map((p) => textField(p.text))
			.filter(Boolean)
			.join('');
	if (type === 'audio') return textField(content.recognition);
	if (type === 'file') return textField(content.fileName);
	return '';
}

/** The message text without the spaces around it (DingTalk leaves a leading space where it removed the bot's @mention). */
export function trimMessageText(text: string): string {
	// trim() removes exactly what /^\s+|\s+$/ would, in linear time: /\s+$/ backtracks quadratically on a long run
	// of spaces followed by a letter, and runs on every message before any filter.
	return text.trim();
}

/** A file a message carries, fetched with DingTalk's robot message-file download API. */
export type MediaRef = {
	type: 'picture' | 'audio' | 'video' | 'file';
	downloadCode: string;
	fileName?: string;
};

/** A file's download code (pictures carry it twice, as `downloadCode` and `pictureDownloadCode`). */
const downloadCodeOf = (content: IDataObject): string =>
	textField(content.downloadCode) || textField(content.pictureDownloadCode);

export function mediaOf(data: IDataObject): MediaRef[] {
	const content = obj(data.content);
	const type = textField(data.msgtype);
	const code = downloadCodeOf(content);
	if ((type === 'picture' || type === 'audio' || type === 'video') && code)
		return [{ type, downloadCode: code }];
	if (type === 'file' && code)
		return [{ type, downloadCode: code, fileName: textField(content.fileName) || undefined }];
	if (type === 'richText') {
		return objects(content.richText)
			.filter((part) => part.type === 'picture' && downloadCodeOf(part))
			.map((part) => ({ type: 'picture' as const, downloadCode: downloadCodeOf(part) }));
	}
	return [];
}

/** The earlier message a user replied to (quoted), as DingTalk sends a snapshot of it. */
export type QuotedMessage = {
	text: string;
	messageType: string;
	msgId: string;
	senderId: string;
	senderStaffId: string;
	senderNick: string;
	createdAt: number;
	/** The quoted message's files, as download codes: Download Media fetches only the message's own files. */
	media: MediaRef[];
};

/** Bounds on what a quote adds to an item: DingTalk sends the snapshot, but every byte of it is hostile. */
export const QUOTE_LIMITS = {
	/** Characters of quoted text kept (a long answer of the bot, quoted back, stays readable). */
	text: 4000,
	/** Media references kept. */
	media: 20,
	/** Rich-text parts read, however many the snapshot holds. */
	parts: 200,
} as const;

/** Cuts text at `max` UTF-16 units without leaving half a surrogate pair at the end. */
function capText(text: string, max: number): string {
	if (text.length <= max) return text;
	const code = text.charCodeAt(max - 1);
	return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** The text of a quoted rich-text part: `text`, or (quote snapshots, per third-party code) `content` of a text part. */
function quotedPartText(part: IDataObject, kind: string): string {
	if (typeof part.text === 'string') return part.text;
	return kind === 'text' ? textField(part.content) : '';
}

/** Text and pictures of a quoted rich text, in order, reading at most QUOTE_LIMITS.parts parts. */
function quotedRichText(parts: unknown): { text: string; media: MediaRef[] } {
	let text = '';
	const media: MediaRef[] = [];
	const list = Array.isArray(parts) ? parts.slice(0, QUOTE_LIMITS.parts) : [];
	for (const part of list) {
		if (!isJsonObject<IDataObject>(part)) continue;
		// UNCONFIRMED: quote snapshots name a part's kind `msgType` where messages say `type` (third-party code).
		const kind = textField(part.type) || textField(part.msgType);
		const code = downloadCodeOf(part);
		if (kind === 'picture' || (!kind && code)) {
			if (code) media.push({ type: 'picture', downloadCode: code });
		} else if (text.length <= QUOTE_LIMITS.text) text += quotedPartText(part, kind);
	}
	return { text, media };
}

/**
 * Text and pictures of a quoted interactive card (typically the bot's own answer), from `cardContent`: blocks of
 * `elementType: "RICHTEXT"` whose children are TEXT / LINK values and IMAGE download codes (shape of device-captured
 * payloads in third-party tests; UNCONFIRMED by DingTalk's docs). Other nodes carry layout data and are skipped.
 */
function quotedCard(blocks: unknown): { text: string; media: MediaRef[] } {
	const lines: string[] = [];
	const media: MediaRef[] = [];
	let budget: number = QUOTE_LIMITS.parts;
	let length = 0;
	for (const block of Array.isArray(blocks) ? blocks.slice(0, QUOTE_LIMITS.parts) : []) {
		if (!isJsonObject<IDataObject>(block) || block.elementType !== 'RICHTEXT') continue;
		const children = Array.isArray(block.children)
			? block.children.slice(0, Math.max(0, budget))
			: [];
		budget -= children.length;
		let line = '';
		for (const child of children) {
			if (!isJsonObject<IDataObject>(child)) continue;
			if (child.elementType === 'TEXT' || child.elementType === 'LINK')
				line += textField(child.value);
			else if (child.elementType === 'IMAGE' && downloadCodeOf(child))
				media.push({ type: 'picture', downloadCode: downloadCodeOf(child) });
		}
		if (line) lines.push(line);
		length += line.length;
		if (budget <= 0 || length > QUOTE_LIMITS.text) break;
	}
	return { text: lines.join('\n'), media };
}

/** Text and media of a quoted message's `content`, shaped by its type as in a message of that type. */
function quotedContent(type: string, content: unknown): { text: string; media: MediaRef[] } {
	// A bare string is read as the text (defensive: no payload with one has been seen).
	if (typeof content === 'string') return { text: content, media: [] };
	const c = obj(content);
	if (type === 'richText') return quotedRichText(c.richText);
	if (type === 'interactiveCard') return quotedCard(c.cardContent);
	const code = downloadCodeOf(c);
	if (type === 'picture' || type === 'audio' || type === 'video' || type === 'file') {
		const fileName = type === 'file' ? textField(c.fileName) : '';
		const ref: MediaRef = { type, downloadCode: code, ...(fileName ? { fileName } : {}) };
		const text = type === 'audio' ? textField(c.recognition) : fileName;
		return { text, media: code ? [ref] : [] };
	}
	// text: {text}; markdown (UNCONFIRMED): {title, text}; other types: whatever plain `text`/`content` they carry.
	return { text: textField(c.text) || textField(c.content), media: [] };
}

const QUOTE_CONTAINERS = ['text', 'content'] as const;

/**
 * Where a reply's quote is. DingTalk's documented payload has none of these fields (UNCONFIRMED there); third-party
 * bots read `text.isReplyMsg` + `text.repliedMsg` (text messages) and the same under `content` (rich text; one
 * project also at the top level); older clients send a `quoteMessage` object (its shape is a guess: the robot
 * message's own field names). `isReplyMsg` without a snapshot still marks a reply.
 */
function quoteSnapshotOf(data: IDataObject): { snapshot?: IDataObject; isReply: boolean } {
	const places = [...QUOTE_CONTAINERS.map((key) => obj(data[key])), data];
	let isReply = false;
	for (const place of places) {
		if (isJsonObject<IDataObject>(place.repliedMsg))
			return { snapshot: place.repliedMsg, isReply: true };
		if (place.isReplyMsg === true) isReply = true;
	}
	for (const place of [data, ...QUOTE_CONTAINERS.map((key) => obj(data[key]))])
		if (isJsonObject<IDataObject>(place.quoteMessage))
			return { snapshot: place.quoteMessage, isReply: true };
	return { isReply };
}

/**
 * The message a user replied to, or null when the message quotes nothing. One level only (a quote inside the quote
 * is not followed), bounded text and media, and any shape reads without a throw: unknown fields stay empty.
 */
export function quotedOf(data: IDataObject): QuotedMessage | null {
	const { snapshot, isReply } = quoteSnapshotOf(data);
	if (!snapshot && !isReply) return null;
	const q = snapshot ?? {};
	const messageType = textField(q.msgType) || textField(q.msgtype) || 'unknown';
	// quoteMessage (old shape, UNCONFIRMED) carries a text message's text as the robot message does: text.content.
	const content =
		q.content ?? (isJsonObject<IDataObject>(q.text) ? { text: q.text.content } : q.text);
	const { text, media } = quotedContent(messageType, content);
	return {
		text: capText(text, QUOTE_LIMITS.text),
		messageType,
		// Without a snapshot ID, DingTalk's `originalMsgId` (seen on replies, UNCONFIRMED) names the quoted message.
		msgId: textField(q.msgId) || textField(data.originalMsgId),
		senderId: textField(q.senderId),
		senderStaffId: textField(q.senderStaffId),
		senderNick: textField(q.senderNick),
		createdAt: num(q.createdAt ?? q.createAt),
		media: media.slice(0, QUOTE_LIMITS.media),
	};
}

export function toMessageEvent(data: IDataObject, now = Date.now()): BaseMessageEvent {
	const rawText = textOf(data);
	const atUsers = objects(data.atUsers).map((u) => ({
		dingtalkId: textField(u.dingtalkId),
		staffId: textField(u.staffId),
	}));
	const isGroup = textField(data.conversationType) === '2';
	const botId = textField(data.chatbotUserId);
	const isMentioned =
		data.isInAtList === true || atUsers.some((u) => u.dingtalkId && u.dingtalkId === botId);
	return {
		event: 'message',
		text: trimMessageText(rawText),
		rawText,
		messageType: textField(data.msgtype) || 'unknown',
		msgId: textField(data.msgId),
		senderStaffId: textField(data.senderStaffId),
		senderNick: textField(data.senderNick),
		senderIsAdmin: data.isAdmin === true,
		conversationId: textField(data.conversationId),
		conversationType: isGroup ? 'group' : 'direct',
		conversationTitle: textField(data.conversationTitle),
		isMentioned,
		mentionedUsers: atUsers,
		robotCode: textField(data.robotCode),
		sessionWebhook: textField(data.sessionWebhook),
		sessionWebhookExpiredTime: num(data.sessionWebhookExpiredTime),
		createdAt: num(data.createAt ?? data.createA),
		receivedAt: new Date(now).toISOString(),
		quoted: quotedOf(data),
		raw: data,
	};
}

/** The sender's ID for session keys: staff ID, else DingTalk's user ID (external users have no staff ID). */
export function senderKeyOf(event: BaseMessageEvent, data: IDataObject): string {
	return event.senderStaffId || textField(data.senderId);
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
		userId: textField(data.userId),
		outTrackId: textField(data.outTrackId),
		conversationId: textField(data.spaceId),
		spaceType: textField(data.spaceType),
		actionIds: (Array.isArray(privateData.actionIds) ? privateData.actionIds : [])
			.map(textField)
			.filter(Boolean),
		params: obj(privateData.params),
		value,
		receivedAt: new Date(now).toISOString(),
		raw: data,
	};
}

/** A card button's `action` parameter, as text. */
export function cardActionOf(event: CardCallbackEvent): string {
	return textField(event.params.action);
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
	if (topic === TOPIC_ORG_EVENT) return unreadableOrgEvent(data);
	return undefined;
}
