import type { IDataObject } from 'n8n-workflow';

import {
	mediaOf,
	QUOTE_LIMITS,
	quotedOf,
	trimMessageText,
	toMessageEvent,
} from '../../../nodes/DingTalk/pipeline/events';

/*
 * What the trigger reads from a chat message (dingtalk-protocol.md, robot message `content` by msgtype): exact texts,
 * exact download codes, what hostile shapes are dropped, and the quote limits at their edge.
 */

/** A group chat message of `msgtype` with these extra fields, as DingTalk sends it. */
const message = (msgtype: string, fields: Record<string, unknown> = {}): IDataObject => ({
	msgtype,
	msgId: 'msg1',
	conversationId: 'cid1',
	conversationType: '2',
	...fields,
});

/** The quote of a text reply whose snapshot (`text.repliedMsg`) is `snapshot`. */
const quoteOf = (snapshot: Record<string, unknown>) =>
	quotedOf({ msgtype: 'text', text: { content: 'reply', isReplyMsg: true, repliedMsg: snapshot } });
const quotedText = (text: string) => quoteOf({ msgType: 'text', content: { text } })?.text;
const richQuote = (richText: unknown[]) => quoteOf({ msgType: 'richText', content: { richText } });
const cardQuote = (cardContent: unknown[]) =>
	quoteOf({ msgType: 'interactiveCard', content: { cardContent } });

describe('message times: numbers, or digit strings', () => {
	it('reads a digit string as its number, and anything unreadable as 0', () => {
		const event = (value: unknown) =>
			toMessageEvent(message('text', { createAt: value, sessionWebhookExpiredTime: value }), 0);
		expect(event('1690362101894').createdAt).toBe(1690362101894);
		expect(event(' 1690362101894 ').sessionWebhookExpiredTime).toBe(1690362101894);
		expect(event(1690362101894).createdAt).toBe(1690362101894);
		for (const unreadable of ['', '   ', 'soon', '12abc', true, [5], ['7'], {}, null, Infinity])
			expect([unreadable, event(unreadable).createdAt]).toEqual([unreadable, 0]);
		expect(quoteOf({ msgType: 'text', createdAt: '1700000000000' })?.createdAt).toBe(1700000000000);
	});
});

describe('message text by type', () => {
	const content = { fileName: 'foobar.zip', recognition: 'ASR text', downloadCode: 'd1' };
	it.each([
		['text', message('text', { text: { content: ' 测试数据' } }), '测试数据', ' 测试数据'],
		['audio: the speech recognition', message('audio', { content }), 'ASR text', 'ASR text'],
		['file: the file name', message('file', { content }), 'foobar.zip', 'foobar.zip'],
		['picture: no text', message('picture', { content }), '', ''],
		['video: no text', message('video', { content }), '', ''],
		['unknown type: no text', message('unknownMsgType', { content }), '', ''],
		[
			'rich text: its text parts joined',
			message('richText', {
				content: {
					richText: [{ text: 'one ' }, { type: 'picture', downloadCode: 'p1' }, { text: 'two' }],
				},
			}),
			'one two',
			'one two',
		],
	])('%s', (_name, data, text, rawText) => {
		const event = toMessageEvent(data, 0);
		expect([event.text, event.rawText]).toEqual([text, rawText]);
	});

	it('list fields keep only their objects: anything else in atUsers or richText is dropped', () => {
		const event = toMessageEvent(
			message('richText', {
				atUsers: [null, 'x', 5, ['a'], { dingtalkId: 'd1', staffId: 's1' }],
				content: { richText: [null, 'loose', 7, [{ text: 'no' }], { text: 'kept' }] },
			}),
			0,
		);
		expect(event.mentionedUsers).toEqual([{ dingtalkId: 'd1', staffId: 's1' }]);
		expect(event.text).toBe('kept');
	});
});

describe('trimMessageText', () => {
	it('removes only the spaces around the text: an @mention DingTalk left in it stays', () => {
		for (const name of ['Bot', '张三', 'a b'])
			expect(trimMessageText(` @${name} hello \u3000`)).toBe(`@${name} hello`);
		expect(trimMessageText('write to a@b.c')).toBe('write to a@b.c');
	});
});

describe('mediaOf: the files a message carries', () => {
	it.each([
		[
			'picture',
			{ downloadCode: 'd1', pictureDownloadCode: 'p1' },
			[{ type: 'picture', downloadCode: 'd1' }],
		],
		['picture', { pictureDownloadCode: 'p1' }, [{ type: 'picture', downloadCode: 'p1' }]],
		['audio', { downloadCode: 'a1', recognition: 'hi' }, [{ type: 'audio', downloadCode: 'a1' }]],
		['video', { downloadCode: 'v1', duration: '5' }, [{ type: 'video', downloadCode: 'v1' }]],
		[
			'file',
			{ downloadCode: 'f1', fileName: 'foobar.zip' },
			[{ type: 'file', downloadCode: 'f1', fileName: 'foobar.zip' }],
		],
		['file', { downloadCode: 'f1' }, [{ type: 'file', downloadCode: 'f1' }]],
		['picture', { downloadCode: '' }, []],
		['audio', { recognition: 'hi' }, []],
		['video', { downloadCode: { code: 'v1' } }, []],
		['file', { fileName: 'foobar.zip' }, []],
	])('%s %j', (msgtype, content, expected) => {
		expect(mediaOf(message(msgtype, { content }))).toEqual(expected);
	});

	it('a rich text gives its picture parts that have a code, in order; nothing else', () => {
		const richText = [
			{ text: 'a', downloadCode: 't1' },
			{ type: 'picture' },
			{ type: 'video', downloadCode: 'v1' },
			null,
			{ type: 'picture', pictureDownloadCode: 'p1' },
			{ type: 'picture', downloadCode: 'p2' },
		];
		expect(mediaOf(message('richText', { content: { richText } }))).toEqual([
			{ type: 'picture', downloadCode: 'p1' },
			{ type: 'picture', downloadCode: 'p2' },
		]);
	});

	it('rich-text parts are read only in a rich-text message', () => {
		const content = { richText: [{ type: 'picture', downloadCode: 'p1' }] };
		for (const msgtype of ['text', 'markdown', 'unknownMsgType', 'picture'])
			expect([msgtype, mediaOf(message(msgtype, { content }))]).toEqual([msgtype, []]);
	});
});

describe('quoted text: cut at 4,000 UTF-16 units, never inside a surrogate pair', () => {
	const x = (n: number) => 'x'.repeat(n);
	it('at the limit kept whole, one past cut', () => {
		expect(quotedText(x(4000))).toBe(x(4000));
		expect(quotedText(x(4001))).toBe(x(4000));
		// Not cut, so kept as sent, even ending with half a pair.
		expect(quotedText(`${x(3999)}\ud83d`)).toBe(`${x(3999)}\ud83d`);
	});

	it('a pair across the limit is dropped whole; a pair or character ending at the limit is kept', () => {
		expect(quotedText(`${x(3999)}😀`)).toBe(x(3999));
		expect(quotedText(`${x(3999)}\u{10000}`)).toBe(x(3999)); // high surrogate 0xD800
		expect(quotedText(`${x(3999)}\u{10FFFF}`)).toBe(x(3999)); // high surrogate 0xDBFF
		expect(quotedText(`${x(3998)}😀y`)).toBe(`${x(3998)}😀`);
		expect(quotedText(`${x(3999)}！y`)).toBe(`${x(3999)}！`);
		expect(quotedText(`${x(3999)}\ud7ffy`)).toBe(`${x(3999)}\ud7ff`);
		expect(quotedText(`${x(3999)}\udc00y`)).toBe(`${x(3999)}\udc00`);
	});
});

describe('quoted rich text', () => {
	it('text comes from `text`, or from `content` of a text part only', () => {
		const quote = richQuote([
			{ text: 'a' },
			{ type: 'text', content: 'b' },
			{ msgType: 'text', content: 'c' },
			{ type: 'emoji', content: '[smile]' },
			{ content: 'loose' },
			{ type: 'at', text: '@d' },
		]);
		expect(quote?.text).toBe('abc@d');
		expect(quote?.media).toEqual([]);
	});

	it('pictures: a picture part, or an untyped part with a code; a picture without a code adds nothing', () => {
		const quote = richQuote([
			{ downloadCode: 'u1' },
			{ type: 'picture' },
			{ type: 'text', text: 't', downloadCode: 'x1' },
			{ msgType: 'picture', pictureDownloadCode: 'p2' },
		]);
		expect(quote?.text).toBe('t');
		expect(quote?.media).toEqual([
			{ type: 'picture', downloadCode: 'u1' },
			{ type: 'picture', downloadCode: 'p2' },
		]);
	});

	it('a part is appended while the text is at most 4,000 units long; later parts are not read', () => {
		const read = new Set<number>();
		const counted = Array.from({ length: 10 }, (_, i) =>
			Object.defineProperty({}, 'text', { enumerable: true, get: () => (read.add(i), 'y') }),
		);
		expect(richQuote([{ text: 'x'.repeat(4000) }, ...counted])?.text).toBe('x'.repeat(4000));
		expect([...read]).toEqual([0]);
		read.clear();
		expect(richQuote([{ text: 'x'.repeat(4001) }, ...counted])?.text).toBe('x'.repeat(4000));
		expect([...read]).toEqual([]);
		// At 4,000 units the next part still joins: a pair split across the two parts is then cut whole.
		expect(richQuote([{ text: `${'x'.repeat(3999)}\ud83d` }, { text: '\ude00' }])?.text).toBe(
			'x'.repeat(3999),
		);
	});
});

describe('quoted card', () => {
	const text = (value: string) => ({ elementType: 'TEXT', value });
	it('reads RICHTEXT blocks only: TEXT and LINK values, IMAGE codes; other blocks and non-objects skipped', () => {
		const quote = cardQuote([
			null,
			'RICHTEXT',
			{ elementType: 'HEADER', children: [text('layout')] },
			{
				elementType: 'RICHTEXT',
				children: [
					text('a'),
					{ elementType: 'LINK', value: 'b' },
					{ elementType: 'IMAGE', downloadCode: 'i1' },
				],
			},
		]);
		expect(quote?.text).toBe('ab');
		expect(quote?.media).toEqual([{ type: 'picture', downloadCode: 'i1' }]);
	});

	it('reads the first 200 blocks: the 200th kept, the 201st not', () => {
		const divider = { elementType: 'DIVIDER' };
		const blocks = [
			...Array.from({ length: QUOTE_LIMITS.parts - 1 }, () => divider),
			{ elementType: 'RICHTEXT', children: [text('in')] },
			{ elementType: 'RICHTEXT', children: [text('out')] },
		];
		expect(cardQuote(blocks)?.text).toBe('in');
	});

	it('a RICHTEXT block without a children list uses none of the 200-children budget', () => {
		const blocks = [
			...Array.from({ length: QUOTE_LIMITS.parts - 1 }, () => ({
				elementType: 'RICHTEXT',
				children: 'not a list',
			})),
			{ elementType: 'RICHTEXT', children: [text('a'), text('b')] },
		];
		expect(cardQuote(blocks)?.text).toBe('ab');
	});
});
