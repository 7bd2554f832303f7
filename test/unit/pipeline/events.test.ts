import type { IDataObject } from 'n8n-workflow';

import { EventPipeline } from '../../../nodes/DingTalk/pipeline/EventPipeline';
import {
	mediaOf,
	QUOTE_LIMITS,
	quotedOf,
	type QuotedMessage,
	trimMessageText,
	toMessageEvent,
} from '../../../nodes/DingTalk/pipeline/events';
import { DEFAULT_PIPELINE_OPTIONS } from '../../../nodes/DingTalk/pipeline/options';
import {
	INBOUND_TYPES,
	type InboundType,
	inboundMessage,
	type QuoteOptions,
	quoteFixtures,
	withQuote,
} from '../../fake-dingtalk/quotes';
import { itStaysLinear, MB, STAYS_LINEAR } from '../support/linearTime';

describe(STAYS_LINEAR, () => {
	itStaysLinear([
		['message text: spaces between two letters', () => trimMessageText(`a${' '.repeat(MB)}b`)],
		['message text: U+3000 between two letters', () => trimMessageText(`a${'\u3000'.repeat(MB)}b`)],
		[
			'message text: mixed whitespace between two letters',
			() => trimMessageText(`a${' \t\n\u00a0\u3000\ufeff'.repeat(MB / 6)}b`),
		],
	]);
});

/** A fixture payload as the pipeline sees it (JSON from DingTalk). */
const asData = (payload: Record<string, unknown>) => payload as IDataObject;

describe('quoted messages (`quoted`)', () => {
	/** What a flow must see for a quote sent with these options (written out, not derived from the parser). */
	function expectedQuote(q: QuoteOptions): Record<string, unknown> {
		const code = q.downloadCode as string;
		const textByType: Record<string, string> = {
			text: q.text as string,
			markdown: q.text as string,
			richText: q.text as string,
			audio: q.text as string,
			interactiveCard: q.text as string,
			file: q.text as string,
			picture: '',
			video: '',
		};
		const mediaByType: Record<string, unknown[]> = {
			text: [],
			markdown: [],
			richText: [{ type: 'picture', downloadCode: code }],
			interactiveCard: [{ type: 'picture', downloadCode: code }],
			picture: [{ type: 'picture', downloadCode: code }],
			audio: [{ type: 'audio', downloadCode: code }],
			video: [{ type: 'video', downloadCode: code }],
			file: [{ type: 'file', downloadCode: code, fileName: q.text }],
		};
		return {
			text: textByType[q.msgType],
			messageType: q.msgType,
			msgId: q.msgId,
			senderId: '$:LWCP_v1:$quotedSender',
			senderStaffId: 'user0002',
			senderNick: 'Quoted Sender',
			createdAt: 1_700_000_000_000,
			media: mediaByType[q.msgType],
		};
	}

	const fixtures = quoteFixtures();

	it('covers every inbound type, without a quote and quoting every type in both shapes', () => {
		const types = new Set(fixtures.map((f) => f.payload.msgtype));
		expect([...types].sort()).toEqual([...INBOUND_TYPES].sort());
		for (const type of INBOUND_TYPES) {
			const ofType = fixtures.filter((f) => f.payload.msgtype === type);
			expect(ofType.filter((f) => !f.quote)).toHaveLength(1);
			expect(new Set(ofType.map((f) => f.quote?.shape).filter(Boolean))).toEqual(
				new Set(['repliedMsg', 'quoteMessage']),
			);
		}
	});

	it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
		const event = toMessageEvent(asData(fixture.payload), 0);
		const plain = toMessageEvent(asData(inboundMessage(event.messageType as InboundType)), 0);
		// The message itself reads the same with or without a quote: its text and its own files, not the quote's.
		expect(event.text).toBe(plain.text);
		expect(mediaOf(asData(fixture.payload))).toEqual(mediaOf(plain.raw));
		expect(event.quoted).toEqual(fixture.quote ? expectedQuote(fixture.quote) : null);
		expect(JSON.parse(JSON.stringify(event.quoted))).toEqual(event.quoted);
	});

	it('rich-text quotes in the message shape ({text}, {type: "picture"}) read the same', () => {
		const quoted = quotedOf({
			msgtype: 'text',
			text: {
				content: 'see above',
				isReplyMsg: true,
				repliedMsg: {
					msgType: 'richText',
					msgId: 'q1',
					content: {
						richText: [
							{ text: 'one ' },
							{ type: 'picture', pictureDownloadCode: 'p1' },
							{ text: 'two' },
						],
					},
				},
			},
		});
		expect(quoted).toMatchObject({
			text: 'one two',
			messageType: 'richText',
			media: [{ type: 'picture', downloadCode: 'p1' }],
		});
	});

	it('a reply without a snapshot still says it quotes, naming the message by originalMsgId', () => {
		expect(
			quotedOf({ msgtype: 'text', text: { content: 'x', isReplyMsg: true }, originalMsgId: 'o1' }),
		).toEqual({
			text: '',
			messageType: 'unknown',
			msgId: 'o1',
			senderId: '',
			senderStaffId: '',
			senderNick: '',
			createdAt: 0,
			media: [],
		});
		expect(quotedOf({ msgtype: 'text', text: { content: 'x', isReplyMsg: false } })).toBeNull();
	});

	it('bounded: quoted text is cut at 4,000 characters (never inside a surrogate pair), media at 20', () => {
		const long = quotedOf(
			asData(withQuote(inboundMessage('text'), { msgType: 'text', text: 'x'.repeat(1_000_000) })),
		);
		expect(long?.text).toHaveLength(QUOTE_LIMITS.text);
		const emoji = quotedOf(
			asData(
				withQuote(inboundMessage('text'), {
					msgType: 'text',
					text: `${'x'.repeat(QUOTE_LIMITS.text - 1)}😀`,
				}),
			),
		);
		expect(emoji?.text).toBe('x'.repeat(QUOTE_LIMITS.text - 1));
		const pictures = Array.from({ length: 1000 }, (_, i) => ({
			type: 'picture',
			downloadCode: `p${i}`,
		}));
		const many = quotedOf({
			msgtype: 'text',
			text: { repliedMsg: { msgType: 'richText', content: { richText: pictures } } },
		});
		expect(many?.media).toHaveLength(QUOTE_LIMITS.media);
		expect(many?.media[0]).toEqual({ type: 'picture', downloadCode: 'p0' });
	});

	it('bounded: of a huge rich text or card, only the first 200 parts are read (counted)', () => {
		let reads = 0;
		/** `length` parts whose `key` counts its reads. */
		const countedParts = (length: number, key: string, value: string) =>
			Array.from({ length }, () =>
				Object.defineProperty({}, key, { enumerable: true, get: () => (reads++, value) }),
			);
		quotedOf({
			msgtype: 'text',
			text: {
				repliedMsg: {
					msgType: 'richText',
					content: { richText: countedParts(100_000, 'type', 'text') },
				},
			},
		});
		expect(reads).toBe(QUOTE_LIMITS.parts);
		reads = 0;
		const children = countedParts(100_000, 'elementType', 'UNKNOWN');
		quotedOf({
			msgtype: 'text',
			text: {
				repliedMsg: {
					msgType: 'interactiveCard',
					content: {
						cardContent: Array.from({ length: 1000 }, () => ({
							elementType: 'RICHTEXT',
							children,
						})),
					},
				},
			},
		});
		// Each child's elementType is read at most three times (TEXT, LINK, IMAGE checks), 200 children in all.
		expect(reads).toBeLessThanOrEqual(3 * QUOTE_LIMITS.parts);
	});

	it('hostile shapes never throw: wrong types, deep nesting, huge arrays give an empty or partial quote', () => {
		const deep = JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`) as unknown;
		const deepArray = JSON.parse(`${'['.repeat(5000)}1${']'.repeat(5000)}`) as unknown;
		const values: unknown[] = [
			null,
			42,
			'text',
			true,
			[],
			[1, 'a', null],
			{},
			deep,
			deepArray,
			new Array(100_000).fill({ text: 'x' }),
			JSON.parse('{"__proto__":{"msgType":"text"},"constructor":{"prototype":{}}}'),
		];
		for (const value of values) {
			const payloads: Array<Record<string, unknown>> = [
				{ msgtype: 'text', text: { isReplyMsg: true, repliedMsg: value } },
				{ msgtype: 'text', text: { repliedMsg: { msgType: value, content: value, msgId: value } } },
				{
					msgtype: 'richText',
					content: { repliedMsg: { msgType: 'richText', content: { richText: value } } },
				},
				{
					msgtype: 'text',
					text: { repliedMsg: { msgType: 'interactiveCard', content: { cardContent: value } } },
				},
				{
					msgtype: 'text',
					text: {
						repliedMsg: {
							msgType: 'interactiveCard',
							content: { cardContent: [{ elementType: 'RICHTEXT', children: value }] },
						},
					},
				},
				{ msgtype: 'picture', quoteMessage: value },
				{ msgtype: 'file', quoteMessage: { msgtype: 'text', text: value, createAt: value } },
				{ msgtype: 'text', text: value, content: value, repliedMsg: value, quoteMessage: value },
			];
			for (const payload of payloads) {
				const event = toMessageEvent(payload as IDataObject, 0);
				const quoted = event.quoted;
				if (quoted) {
					expect(typeof quoted.text).toBe('string');
					expect(typeof quoted.messageType).toBe('string');
					expect(Number.isFinite(quoted.createdAt)).toBe(true);
					expect(quoted.media.length).toBeLessThanOrEqual(QUOTE_LIMITS.media);
				}
				expect(() => JSON.stringify(event.quoted)).not.toThrow();
			}
		}
	});

	it('an aggregated item keeps each part’s quote; its own `quoted` is the latest one', async () => {
		jest.useFakeTimers();
		const emitted: Array<Record<string, unknown>> = [];
		const pipeline = new EventPipeline(
			{ ...DEFAULT_PIPELINE_OPTIONS, aggregationWindowSeconds: 2 },
			async (item) => (emitted.push(item), { ok: true }),
		);
		const send = (msgId: string, quote?: QuoteOptions) => {
			const payload = { ...inboundMessage('text', `text ${msgId}`), msgId };
			return pipeline.handle({
				topic: '/v1.0/im/bot/messages/get',
				messageId: `frame-${msgId}`,
				data: quote ? withQuote(payload, quote) : payload,
			});
		};
		const handled = [
			send('a', { msgType: 'text', text: 'first quote', msgId: 'qa' }),
			send('b'),
			send('c', { msgType: 'text', text: 'second quote', msgId: 'qc', shape: 'quoteMessage' }),
			send('d'),
		];
		await Promise.resolve();
		jest.advanceTimersByTime(2000);
		jest.useRealTimers();
		await Promise.all(handled);
		pipeline.close();
		expect(emitted).toHaveLength(1);
		const parts = emitted[0].parts as Array<{ msgId: string; quoted: QuotedMessage | null }>;
		expect(parts.map((p) => [p.msgId, p.quoted?.text ?? null])).toEqual([
			['a', 'first quote'],
			['b', null],
			['c', 'second quote'],
			['d', null],
		]);
		expect((emitted[0].quoted as QuotedMessage).msgId).toBe('qc');
	});
});
