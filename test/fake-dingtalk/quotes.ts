/**
 * Quoted (replied-to) messages as DingTalk sends them inside a robot message, and one robot message payload per inbound
 * type with and without a quote: the fixtures of the trigger's `quoted` field.
 *
 * What is confirmed and what is not: DingTalk's documented robot payload lists no quote fields. Third-party DingTalk
 * bots (Go, Python, Rust, Java; device-captured payloads in their tests) read `text.isReplyMsg: true` and
 * `text.repliedMsg: {msgType, msgId, senderId, senderNick, createdAt, content}` on text messages, with `content` shaped
 * by the quoted type (`{text}` for text); rich-text messages carry the same under `content` (one project's captures).
 * UNCONFIRMED here: `createdAt` (named so in the project's wire notes), quote snapshots of picture/audio/video/file and
 * markdown messages (their `content` is assumed to be that type's own `content`), a quote on a picture/audio/video/file
 * message (DingTalk's client composes replies as text or rich text; these fixtures put it under `content`, to prove
 * tolerance), rich-text parts of a snapshot as `{msgType, content}` (third-party code) next to `{text}` / `{type,
 * downloadCode}`, and the older clients' `quoteMessage` object (shape guessed: the robot message's own field names,
 * `msgtype`, `createAt`, `text.content` or `content`).
 */

/** Message types the DingTalk Trigger reads (its Events description). */
export const INBOUND_TYPES = ['text', 'richText', 'picture', 'audio', 'video', 'file'] as const;
export type InboundType = (typeof INBOUND_TYPES)[number];

/** Where the quote travels: `repliedMsg` (current clients) or `quoteMessage` (older clients, UNCONFIRMED). */
export type QuoteShape = 'repliedMsg' | 'quoteMessage';

export interface QuoteOptions {
	/** The quoted message's type: an inbound type, or e.g. `markdown` / `interactiveCard` for the bot's own answers. */
	msgType: string;
	/** Its text (text, markdown, rich text's text part, audio's recognition; a file's name for files). */
	text?: string;
	/** Download code of its file (pictures, audio, video, files, rich text's picture). */
	downloadCode?: string;
	msgId?: string;
	senderId?: string;
	senderStaffId?: string;
	senderNick?: string;
	createdAt?: number;
	shape?: QuoteShape;
}

/** A quoted message's `content`, shaped by its type as in a message of that type. */
function quotedContent(q: QuoteOptions): Record<string, unknown> {
	const code = q.downloadCode ?? 'quotedDownloadCode';
	switch (q.msgType) {
		case 'richText':
			return {
				richText: [
					{ msgType: 'text', content: q.text ?? '' },
					{ msgType: 'picture', downloadCode: code },
				],
			};
		case 'picture':
			return { downloadCode: code, pictureDownloadCode: code };
		case 'audio':
			return { downloadCode: code, recognition: q.text ?? '', duration: 3 };
		case 'video':
			return { downloadCode: code, duration: '5', videoType: 'mp4' };
		case 'file':
			return { downloadCode: code, fileName: q.text ?? 'file.bin', spaceId: 's1', fileId: 'f1' };
		case 'markdown':
			return { title: 'answer', text: q.text ?? '' };
		case 'interactiveCard':
			// As captured in third-party tests: RICHTEXT blocks of TEXT/LINK/IMAGE nodes next to layout nodes.
			return {
				cardContent: [
					{
						elementType: 'RICHTEXT',
						children: [
							{ elementType: 'UNKNOWN', value: '{"layout":1}' },
							{ elementType: 'TEXT', value: q.text ?? '' },
							{ elementType: 'IMAGE', downloadCode: code },
						],
					},
				],
			};
		default:
			return { text: q.text ?? '' };
	}
}

/** The quote object itself, in the shape asked for. */
export function quoteSnapshot(q: QuoteOptions): Record<string, unknown> {
	const ids = {
		msgId: q.msgId ?? 'msgQuoted0001==',
		senderId: q.senderId ?? '$:LWCP_v1:$quotedSender',
		...(q.senderStaffId ? { senderStaffId: q.senderStaffId } : {}),
		senderNick: q.senderNick ?? 'Quoted Sender',
	};
	const createdAt = q.createdAt ?? 1_700_000_000_000;
	if (q.shape !== 'quoteMessage')
		return { msgType: q.msgType, ...ids, createdAt, content: quotedContent(q) };
	return {
		msgtype: q.msgType,
		...ids,
		createAt: createdAt,
		...(q.msgType === 'text' ? { text: { content: q.text ?? '' } } : { content: quotedContent(q) }),
	};
}

/** `payload` (a robot message) replying to the quoted message: the quote where DingTalk puts it for that type. */
export function withQuote(
	payload: Record<string, unknown>,
	q: QuoteOptions,
): Record<string, unknown> {
	const snapshot = quoteSnapshot(q);
	if (q.shape === 'quoteMessage') return { ...payload, quoteMessage: snapshot };
	const holder = payload.msgtype === 'text' ? 'text' : 'content';
	const current = (payload[holder] ?? {}) as Record<string, unknown>;
	return { ...payload, [holder]: { ...current, isReplyMsg: true, repliedMsg: snapshot } };
}

/** The fields of a message of `type` (its text or file name is `text`). */
export function inboundContent(type: InboundType, text: string): Record<string, unknown> {
	switch (type) {
		case 'text':
			return { msgtype: 'text', text: { content: text } };
		case 'richText':
			return {
				msgtype: 'richText',
				content: {
					richText: [
						{ text },
						{ type: 'picture', downloadCode: 'ownPicture', pictureDownloadCode: 'ownPicture' },
					],
				},
			};
		case 'picture':
			return {
				msgtype: 'picture',
				content: { downloadCode: 'ownPicture', pictureDownloadCode: 'ownPicture' },
			};
		case 'audio':
			return {
				msgtype: 'audio',
				content: { downloadCode: 'ownAudio', recognition: text, duration: 2 },
			};
		case 'video':
			return {
				msgtype: 'video',
				content: { downloadCode: 'ownVideo', duration: '5', videoType: 'mp4' },
			};
		case 'file':
			return {
				msgtype: 'file',
				content: { downloadCode: 'ownFile', fileName: text, spaceId: 's2', fileId: 'f2' },
			};
	}
}

/** A robot message of `type` without DingTalk's session fields (the unit tests' payloads). */
export function inboundMessage(type: InboundType, text = 'hello'): Record<string, unknown> {
	return {
		conversationId: 'cidQuotes==',
		conversationType: '1',
		msgId: `msg-${type}`,
		senderStaffId: 'user0001',
		senderId: '$:LWCP_v1:$user0001',
		senderNick: 'User',
		chatbotUserId: '$:LWCP_v1:$bot',
		createAt: 1_700_000_100_000,
		robotCode: 'dingRobot',
		...inboundContent(type, type === 'file' ? 'notes.txt' : text),
	};
}

export interface QuoteFixture {
	name: string;
	payload: Record<string, unknown>;
	/** The quote sent, or undefined for the message without one. */
	quote?: QuoteOptions;
}

/**
 * Every inbound type: without a quote, and quoting each type in both shapes (markdown and interactiveCard quotes are
 * the bot's own answers being replied to).
 */
export function quoteFixtures(): QuoteFixture[] {
	const quotedTypes = [...INBOUND_TYPES, 'markdown', 'interactiveCard'];
	const out: QuoteFixture[] = [];
	for (const type of INBOUND_TYPES) {
		out.push({ name: `${type} without a quote`, payload: inboundMessage(type) });
		for (const shape of ['repliedMsg', 'quoteMessage'] as const)
			for (const msgType of quotedTypes) {
				const quote: QuoteOptions = {
					shape,
					msgType,
					text: msgType === 'file' ? 'report.pdf' : `earlier ${msgType}`,
					downloadCode: `code-${msgType}`,
					msgId: `msgQuoted-${msgType}`,
					senderStaffId: 'user0002',
				};
				out.push({
					name: `${type} quoting ${msgType} (${shape})`,
					payload: withQuote(inboundMessage(type), quote),
					quote,
				});
			}
	}
	return out;
}
