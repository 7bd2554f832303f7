import { execute as askStreaming } from '../../nodes/XpertAi/actions/expert/askStreaming.operation';
import {
	SSE_MAX_LINE_CHARS,
	SseLimitError,
	SseParser,
	textOfXpertFrame,
} from '../../nodes/XpertAi/transport/sse';
import {
	requestOptions,
	sendInput,
	textOf,
	threadIdFor,
	xpertClientFor,
} from '../../nodes/XpertAi/transport/xpertApi';
import { defaultFixture, FakeDingTalk } from '../fake-dingtalk';
import { askStreamingContext, fakeAiCard, FakeXpert } from '../fake-xpert';

describe('threadIdFor (one Xpert thread per session, without storing anything)', () => {
	it('is stable per expert and session, different otherwise, and a well-formed version-5 UUID', () => {
		const a = threadIdFor('xpert-1', 'session-a');
		expect(threadIdFor('xpert-1', 'session-a')).toBe(a);
		expect(threadIdFor('xpert-1', 'session-b')).not.toBe(a);
		expect(threadIdFor('xpert-2', 'session-a')).not.toBe(a);
		expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	});
});

describe('SseParser', () => {
	it('parses events split anywhere across chunks, joins data lines, skips comments, handles CRLF', () => {
		const parser = new SseParser();
		const text =
			'id: 1\ndata: {"a":1}\n\n: keep-alive\n\nid: 2\r\ndata: line one\r\ndata: line two\r\n\r\nevent: complete\ndata: {"status":"success"}\n\n';
		const events = [];
		for (let i = 0; i < text.length; i += 3) events.push(...parser.push(text.slice(i, i + 3)));
		expect(events).toEqual([
			{ event: 'message', data: '{"a":1}', id: '1' },
			{ event: 'message', data: 'line one\nline two', id: '2' },
			{ event: 'complete', data: '{"status":"success"}', id: '2' },
		]);
	});
});

describe('SseParser on hostile input', () => {
	const all = (parser: SseParser, chunks: string[]) => chunks.flatMap((c) => parser.push(c));

	it('treats CR, LF and CRLF alike, also when a CRLF is split between chunks', () => {
		const text = 'data: a\r\rdata: b\n\ndata: c\r\n\r\ndata: d\r\n\n';
		const expected = ['a', 'b', 'c', 'd'];
		for (let size = 1; size <= text.length; size++) {
			const chunks = [];
			for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
			expect(all(new SseParser(), chunks).map((e) => e.data)).toEqual(expected);
		}
		// A CR at the end of one chunk and an LF at the start of the next are one line end, not two (no empty event).
		expect(
			all(new SseParser(), ['data: x\r', '\ndata: y\r', '\n\r', '\n']).map((e) => e.data),
		).toEqual(['x\ny']);
	});

	it('refuses a line without end beyond the limit, with a clear error, holding no more than the limit', () => {
		const parser = new SseParser();
		const piece = 'x'.repeat(64 * 1024);
		let pushed = 0;
		let error: unknown;
		try {
			// 16 MiB without a newline: refused once past 1 Mi characters, not kept.
			for (; pushed < 256; pushed++) parser.push(pushed === 0 ? `data: ${piece}` : piece);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(SseLimitError);
		expect((error as Error).message).toBe(
			`The Xpert AI stream sent a line longer than ${SSE_MAX_LINE_CHARS} characters`,
		);
		expect(pushed).toBe(15); // the 16th push (index 15) crosses 1 Mi characters
		// One chunk holding a whole over-long line is refused too.
		expect(() => new SseParser(100).push(`data: ${'y'.repeat(200)}\n\n`)).toThrow(SseLimitError);
		// And an event of many short data lines beyond the event limit.
		expect(() => new SseParser(100, 1000).push('data: 0123456789\n'.repeat(200))).toThrow(
			/an event longer than 1000/,
		);
	});

	it('survives any bytes: random chunks never throw anything but the limit error', () => {
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
		const alphabet = [
			'data:',
			'event:',
			'id:',
			':',
			' ',
			'\r',
			'\n',
			'\r\n',
			'null',
			'{',
			'}',
			'"',
			'\u0000',
			'你',
			'\ud800',
		];
		for (let run = 0; run < 200; run++) {
			const parser = new SseParser(64, 256);
			for (let c = 0; c < 20; c++) {
				let chunk = '';
				const n = Math.floor(random() * 10);
				for (let k = 0; k < n; k++) chunk += alphabet[Math.floor(random() * alphabet.length)];
				try {
					for (const event of parser.push(chunk))
						expect(typeof textOfXpertFrame(event.data).text).toBe('string');
				} catch (error) {
					expect(error).toBeInstanceOf(SseLimitError);
				}
			}
		}
	});
});

describe('Xpert frames and answers', () => {
	it('never throws on any JSON: null, numbers, strings, arrays, wrong types', () => {
		for (const data of [
			'null',
			'0',
			'12',
			'"message"',
			'[]',
			'[{"type":"message"}]',
			'true',
			'{"type":"message","data":null}',
			'{"type":"message","data":5}',
			'{"type":"event","data":null}',
			'{"type":"event","event":5,"data":{"status":"error","error":{}}}',
			'{"type":null}',
			'',
		]) {
			expect(() => textOfXpertFrame(data)).not.toThrow();
			expect(textOfXpertFrame(data).text).toBe('');
		}
		expect(
			textOfXpertFrame(
				'{"type":"event","event":"on_conversation_end","data":{"status":"error","error":{"x":1}}}',
			).error,
		).toBe('the expert failed');
	});

	it('takes text from message frames in both shapes, nothing from events, and reports failed conversations', () => {
		expect(textOfXpertFrame('{"type":"message","data":"Hel"}')).toEqual({ text: 'Hel' });
		expect(textOfXpertFrame('{"type":"message","data":{"type":"text","text":"lo"}}')).toEqual({
			text: 'lo',
		});
		expect(textOfXpertFrame('{"type":"event","event":"on_tool_start","data":{}}')).toEqual({
			text: '',
			event: 'on_tool_start',
			error: undefined,
		});
		expect(
			textOfXpertFrame(
				'{"type":"event","event":"on_conversation_end","data":{"status":"error","error":"quota"}}',
			).error,
		).toBe('quota');
		expect(textOfXpertFrame('not json')).toEqual({ text: '' });
	});

	it("reads an AI message's text from a string or from parts", () => {
		expect(textOf('plain')).toBe('plain');
		expect(
			textOf([{ type: 'text', text: 'a' }, { type: 'image_url' }, { type: 'text', text: 'b' }]),
		).toBe('ab');
	});

	it('sends the input shape Xpert accepts (not the one in its docs, see xpert-ai/xpert#338)', () => {
		expect(sendInput('hi')).toEqual({ action: 'send', message: { input: { input: 'hi' } } });
		expect(sendInput('see file', [{ id: 'f1' }])).toEqual({
			action: 'send',
			message: { input: { input: 'see file', files: [{ id: 'f1' }] } },
		});
	});

	it('adds organization-id only when set, and trims the base URL', () => {
		const withOrg = requestOptions(
			{ baseUrl: 'https://x.example/api/ai/', organizationId: 'org1' },
			{ method: 'POST', path: '/threads' },
		);
		expect(withOrg.url).toBe('https://x.example/api/ai/threads');
		expect(withOrg.headers).toEqual({ 'organization-id': 'org1' });
		expect(
			requestOptions({ baseUrl: 'https://x.example/api/ai' }, { method: 'GET', path: '/t' })
				.headers,
		).toEqual({});
	});
});

describe('Ask (Streaming) against the fake Xpert and the fake DingTalk', () => {
	const xpert = new FakeXpert();
	const dingTalk = new FakeDingTalk(defaultFixture());
	beforeAll(async () => {
		await xpert.start();
		await dingTalk.start();
	});
	afterAll(async () => {
		await xpert.stop();
		await dingTalk.stop();
	});

	it('types a Chinese answer written byte by byte into the card exactly', async () => {
		const answer = '您好！VPN 密码可以在自助服务门户重置，请点击“忘记密码”。';
		xpert.streamOptions = { byteByByte: true, answer };
		fakeAiCard(dingTalk, 'track-zh');
		const context = askStreamingContext(xpert, dingTalk, {
			message: '怎么重置 VPN 密码？',
			outTrackId: 'track-zh',
		});
		const result = await askStreaming.call(context, xpertClientFor(context), 0);
		expect(result.answer).toBe(answer);
		const card = dingTalk.cards.get('track-zh');
		expect(card?.fieldValues.content).toBe(answer);
		expect(card?.finalized).toBe(true);
		expect(card?.failed).toBe(false);
	});
});

describe('textOf (issue 20 item 5)', () => {
	it('reads deep content without a RangeError: parts nested past the bound hold no text', () => {
		let deep: unknown = { type: 'text', text: 'lost' };
		for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { content: deep };
		expect(() => textOf(deep)).not.toThrow();
		expect(textOf(deep)).toBe('');
		expect(textOf([{ type: 'text', text: 'a' }, { content: [{ text: 'b' }] }, 'c'])).toBe('abc');
	});
});
