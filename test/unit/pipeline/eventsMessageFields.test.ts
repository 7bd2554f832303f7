import type { IDataObject } from 'n8n-workflow';

import {
	QUOTE_LIMITS,
	quotedOf,
	toCardCallbackEvent,
	toMessageEvent,
	unreadableEvent,
} from '../../../nodes/DingTalk/pipeline/events';
import { inboundMessage } from '../../fake-dingtalk/quotes';

const ROBOT = '/v1.0/im/bot/messages/get';

/** A text message replying to the bot's card answer with these `cardContent` blocks. */
const replyToCard = (cardContent: unknown): IDataObject => ({
	msgtype: 'text',
	text: {
		content: 'about this',
		isReplyMsg: true,
		repliedMsg: { msgType: 'interactiveCard', msgId: 'qCard', content: { cardContent } },
	},
});

const richText = (...children: unknown[]) => ({ elementType: 'RICHTEXT', children });
const textChild = (value: string) => ({ elementType: 'TEXT', value });

describe('quoted interactive card (`cardContent` blocks)', () => {
	it('reads TEXT and LINK values as one line per block, blocks joined by a newline, IMAGE codes as pictures', () => {
		const quoted = quotedOf(
			replyToCard([
				richText(
					textChild('See '),
					{ elementType: 'LINK', value: 'https://example.com/a' },
					{ elementType: 'IMAGE', downloadCode: 'img1' },
				),
				// An image-only block adds a picture, not an empty line.
				richText({ elementType: 'IMAGE', pictureDownloadCode: 'img2' }),
				// Layout nodes and unknown children are skipped, even with a value or a download code.
				{ elementType: 'LAYOUT', children: [textChild('layout')] },
				richText(
					{ elementType: 'IMAGE' },
					{ elementType: 'VIDEO', downloadCode: 'video1', value: 'video' },
					{ elementType: '', downloadCode: 'blank1', value: 'blank' },
					{ downloadCode: 'none1', value: 'none' },
					textChild('second line'),
				),
			]),
		);
		expect(quoted).toEqual({
			text: 'See https://example.com/a\nsecond line',
			messageType: 'interactiveCard',
			msgId: 'qCard',
			senderId: '',
			senderStaffId: '',
			senderNick: '',
			createdAt: 0,
			media: [
				{ type: 'picture', downloadCode: 'img1' },
				{ type: 'picture', downloadCode: 'img2' },
			],
		});
	});

	it('stops after the block whose text takes it over 4,000 characters: at 4,000 the next block is read, at 4,001 not', () => {
		const half = QUOTE_LIMITS.text / 2;
		const atLimit = quotedOf(
			replyToCard([
				richText(textChild('a'.repeat(half))),
				richText(textChild('b'.repeat(half))),
				richText({ elementType: 'IMAGE', downloadCode: 'after' }),
			]),
		);
		expect(atLimit?.media).toEqual([{ type: 'picture', downloadCode: 'after' }]);
		expect(atLimit?.text).toBe(`${'a'.repeat(half)}\n${'b'.repeat(half - 1)}`);
		const overLimit = quotedOf(
			replyToCard([
				richText(textChild('a'.repeat(half))),
				richText(textChild('b'.repeat(half + 1)), { elementType: 'IMAGE', downloadCode: 'same' }),
				richText({ elementType: 'IMAGE', downloadCode: 'after' }),
			]),
		);
		expect(overLimit?.media).toEqual([{ type: 'picture', downloadCode: 'same' }]);
	});

	it('reads 200 children in all: the 200th is read, the 201st and any later block are not (counted)', () => {
		let reads = 0;
		const counted = Object.defineProperty({}, 'elementType', {
			enumerable: true,
			get: () => (reads++, 'RICHTEXT'),
		}) as IDataObject;
		counted.children = [textChild('late')];
		const quoted = quotedOf(
			replyToCard([
				richText(...Array.from({ length: QUOTE_LIMITS.parts - 1 }, () => textChild('a'))),
				richText(textChild('b'), textChild('c'), { elementType: 'IMAGE', downloadCode: 'cut' }),
				...Array.from({ length: 50 }, () => counted),
			]),
		);
		expect(quoted?.text).toBe(`${'a'.repeat(QUOTE_LIMITS.parts - 1)}\nb`);
		expect(quoted?.media).toEqual([]);
		expect(reads).toBe(0);
	});
});

describe('quoted picture, audio and video: a file name belongs to files only', () => {
	it.each([
		['picture', { downloadCode: 'p1', fileName: 'shot.png' }, ''],
		['video', { downloadCode: 'v1', fileName: 'clip.mp4' }, ''],
		[
			'audio',
			{ downloadCode: 'a1', fileName: 'voice.amr', recognition: 'hello there' },
			'hello there',
		],
	] as const)('%s', (type, content, text) => {
		const quoted = quotedOf({
			msgtype: 'text',
			text: { content: 'x', repliedMsg: { msgType: type, content } },
		});
		expect(quoted?.text).toBe(text);
		expect(quoted?.media).toStrictEqual([{ type, downloadCode: content.downloadCode }]);
	});

	it('file: its name is the text and stays on the media reference', () => {
		const quoted = quotedOf({
			msgtype: 'text',
			text: { repliedMsg: { msgType: 'file', content: { downloadCode: 'f1', fileName: 'a.pdf' } } },
		});
		expect(quoted?.text).toBe('a.pdf');
		expect(quoted?.media).toStrictEqual([{ type: 'file', downloadCode: 'f1', fileName: 'a.pdf' }]);
	});
});

describe('message item fields (toMessageEvent)', () => {
	/** A group text message as DingTalk sends it, the bot being `$:LWCP_v1:$bot`, without `isInAtList`. */
	const message = (fields: Record<string, unknown>): IDataObject =>
		({ ...inboundMessage('text'), conversationType: '2', ...fields }) as IDataObject;

	it('isMentioned: `isInAtList: true`, or the bot’s own dingtalkId among atUsers; nothing else', () => {
		const mentioned = (fields: Record<string, unknown>) =>
			toMessageEvent(message(fields), 0).isMentioned;
		expect(mentioned({ isInAtList: true })).toBe(true);
		expect(mentioned({ atUsers: [{ dingtalkId: '$:LWCP_v1:$bot' }] })).toBe(true);
		expect(
			mentioned({
				atUsers: [{ dingtalkId: '$:LWCP_v1:$other' }, { dingtalkId: '$:LWCP_v1:$bot' }],
			}),
		).toBe(true);
		expect(mentioned({})).toBe(false);
		expect(mentioned({ isInAtList: 'true', atUsers: [] })).toBe(false);
		expect(mentioned({ isInAtList: false, atUsers: [{ dingtalkId: '$:LWCP_v1:$other' }] })).toBe(
			false,
		);
		expect(mentioned({ atUsers: [{ staffId: 'user0002' }] })).toBe(false);
		// No bot ID in the payload: an atUser without a dingtalkId does not match the missing one.
		expect(mentioned({ chatbotUserId: undefined, atUsers: [{ staffId: 'user0002' }] })).toBe(false);
		expect(mentioned({ chatbotUserId: '', atUsers: [{ dingtalkId: '' }] })).toBe(false);
	});

	it('senderIsAdmin: only `isAdmin: true` (a boolean) makes an admin', () => {
		const admin = (isAdmin: unknown) => toMessageEvent(message({ isAdmin }), 0).senderIsAdmin;
		expect(admin(true)).toBe(true);
		for (const value of [false, 'true', 1, {}, null, undefined]) expect(admin(value)).toBe(false);
	});

	it('createdAt: `createAt`, else the documented sample’s `createA`; 0 when neither reads', () => {
		const createdAt = (fields: Record<string, unknown>) =>
			toMessageEvent(message({ createAt: undefined, ...fields }), 0).createdAt;
		expect(createdAt({ createAt: 1690362101894 })).toBe(1690362101894);
		expect(createdAt({ createAt: '1690362101894' })).toBe(1690362101894);
		expect(createdAt({ createA: 1690362101894 })).toBe(1690362101894);
		expect(createdAt({ createAt: 1690362101894, createA: 5 })).toBe(1690362101894);
		expect(createdAt({})).toBe(0);
	});

	it('messageType: the msgtype, `unknown` when it cannot be read', () => {
		expect(toMessageEvent(message({}), 0).messageType).toBe('text');
		expect(toMessageEvent(message({ msgtype: undefined }), 0).messageType).toBe('unknown');
		expect(toMessageEvent(message({ msgtype: ['text'] }), 0).messageType).toBe('unknown');
	});
});

describe('readable robot messages: msgId', () => {
	const good = inboundMessage('text');

	it('a message without a msgId is readable; one with an empty or non-string msgId is refused', () => {
		const { msgId: _msgId, ...withoutId } = good;
		expect(unreadableEvent(ROBOT, withoutId)).toBeUndefined();
		expect(unreadableEvent(ROBOT, good)).toBeUndefined();
		for (const msgId of ['', 7, null, ['m'], { id: 'm' }])
			expect(unreadableEvent(ROBOT, { ...good, msgId })).toBe(
				'robot message whose msgId is not a string',
			);
	});
});

describe('card callback actionIds', () => {
	it('keeps the readable IDs, in order, dropping empty and non-text entries', () => {
		const event = toCardCallbackEvent(
			{
				outTrackId: 'track1',
				value: JSON.stringify({
					cardPrivateData: { actionIds: ['approve', '', 7, null, {}, ['x'], 'reject'], params: {} },
				}),
			},
			0,
		);
		expect(event.actionIds).toEqual(['approve', '7', 'reject']);
	});
});
