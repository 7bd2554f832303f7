import type { IDataObject } from 'n8n-workflow';

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

const str = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/** The text a user wrote, for every message type that has one (rich text joins its text parts). */
function textOf(data: IDataObject): string {
	const type = str(data.msgtype);
	const content = (data.content ?? {}) as IDataObject;
	if (type === 'text') return str((data.text as IDataObject | undefined)?.content);
	if (type === 'richText') {
		const parts = (content.richText as IDataObject[] | undefined) ?? [];
		return parts.map((p) => str(p.text)).filter(Boolean).join('');
	}
	if (type === 'audio') return str(content.recognition);
	if (type === 'file') return str(content.fileName);
	return '';
}

/** DingTalk puts the @mention of the bot in the text ("@Bot hello", or just a leading space when removed). */
export function stripMention(text: string, botNames: string[] = []): string {
	let out = text;
	for (const name of botNames) if (name) out = out.split(`@${name}`).join('');
	return out.replace(/^\s+/, '').replace(/\s+$/, '');
}

/** A file a message carries, fetched with DingTalk's robot message-file download API. */
export interface MediaRef {
	type: 'picture' | 'audio' | 'video' | 'file';
	downloadCode: string;
	fileName?: string;
}

export function mediaOf(data: IDataObject): MediaRef[] {
	const content = (data.content ?? {}) as IDataObject;
	const type = str(data.msgtype);
	const code = str(content.downloadCode || content.pictureDownloadCode);
	if ((type === 'picture' || type === 'audio' || type === 'video') && code) return [{ type, downloadCode: code }];
	if (type === 'file' && code) return [{ type, downloadCode: code, fileName: str(content.fileName) || undefined }];
	if (type === 'richText') {
		return ((content.richText as IDataObject[] | undefined) ?? [])
			.filter((part) => part.type === 'picture' && (part.downloadCode || part.pictureDownloadCode))
			.map((part) => ({ type: 'picture' as const, downloadCode: str(part.downloadCode || part.pictureDownloadCode) }));
	}
	return [];
}

export function toMessageEvent(data: IDataObject, now = Date.now()): BaseMessageEvent {
	const rawText = textOf(data);
	const atUsers = ((data.atUsers as IDataObject[] | undefined) ?? []).map((u) => ({ dingtalkId: str(u.dingtalkId), staffId: str(u.staffId) }));
	const isGroup = str(data.conversationType) === '2';
	const isMentioned = data.isInAtList === true || atUsers.some((u) => u.dingtalkId && u.dingtalkId === str(data.chatbotUserId));
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
		sessionWebhookExpiredTime: Number(data.sessionWebhookExpiredTime ?? 0),
		createdAt: Number(data.createAt ?? data.createA ?? 0),
		receivedAt: new Date(now).toISOString(),
		raw: data,
	};
}

function parseJsonText(value: unknown): IDataObject {
	if (typeof value === 'object' && value !== null) return value as IDataObject;
	try {
		const parsed = JSON.parse(str(value)) as unknown;
		return typeof parsed === 'object' && parsed !== null ? (parsed as IDataObject) : {};
	} catch {
		return {};
	}
}

export function toCardCallbackEvent(data: IDataObject, now = Date.now()): CardCallbackEvent {
	const value = parseJsonText(data.value ?? data.content);
	const privateData = (value.cardPrivateData ?? {}) as IDataObject;
	return {
		event: 'cardCallback',
		userId: str(data.userId),
		outTrackId: str(data.outTrackId),
		conversationId: str(data.spaceId),
		spaceType: str(data.spaceType),
		actionIds: ((privateData.actionIds as unknown[]) ?? []).map(str),
		params: (privateData.params ?? {}) as IDataObject,
		value,
		receivedAt: new Date(now).toISOString(),
		raw: data,
	};
}
