import { SseParser, textOfXpertFrame } from '../../nodes/XpertAi/transport/sse';
import { requestOptions, sendInput, textOf, threadIdFor } from '../../nodes/XpertAi/transport/xpertApi';

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
		const text = 'id: 1\ndata: {"a":1}\n\n: keep-alive\n\nid: 2\r\ndata: line one\r\ndata: line two\r\n\r\nevent: complete\ndata: {"status":"success"}\n\n';
		const events = [];
		for (let i = 0; i < text.length; i += 3) events.push(...parser.push(text.slice(i, i + 3)));
		expect(events).toEqual([
			{ event: 'message', data: '{"a":1}', id: '1' },
			{ event: 'message', data: 'line one\nline two', id: '2' },
			{ event: 'complete', data: '{"status":"success"}', id: '2' },
		]);
	});
});

describe('Xpert frames and answers', () => {
	it('takes text from message frames in both shapes, nothing from events, and reports failed conversations', () => {
		expect(textOfXpertFrame('{"type":"message","data":"Hel"}')).toEqual({ text: 'Hel' });
		expect(textOfXpertFrame('{"type":"message","data":{"type":"text","text":"lo"}}')).toEqual({ text: 'lo' });
		expect(textOfXpertFrame('{"type":"event","event":"on_tool_start","data":{}}')).toEqual({ text: '', event: 'on_tool_start', error: undefined });
		expect(textOfXpertFrame('{"type":"event","event":"on_conversation_end","data":{"status":"error","error":"quota"}}').error).toBe('quota');
		expect(textOfXpertFrame('not json')).toEqual({ text: '' });
	});

	it('reads an AI message\'s text from a string or from parts', () => {
		expect(textOf('plain')).toBe('plain');
		expect(textOf([{ type: 'text', text: 'a' }, { type: 'image_url' }, { type: 'text', text: 'b' }])).toBe('ab');
	});

	it('sends the input shape Xpert accepts (not the one in its docs, see xpert-ai/xpert#338)', () => {
		expect(sendInput('hi')).toEqual({ action: 'send', message: { input: { input: 'hi' } } });
		expect(sendInput('see file', [{ id: 'f1' }])).toEqual({ action: 'send', message: { input: { input: 'see file', files: [{ id: 'f1' }] } } });
	});

	it('adds organization-id only when set, and trims the base URL', () => {
		const withOrg = requestOptions({ baseUrl: 'https://x.example/api/ai/', organizationId: 'org1' }, { method: 'POST', path: '/threads' });
		expect(withOrg.url).toBe('https://x.example/api/ai/threads');
		expect(withOrg.headers).toEqual({ 'organization-id': 'org1' });
		expect(requestOptions({ baseUrl: 'https://x.example/api/ai' }, { method: 'GET', path: '/t' }).headers).toEqual({});
	});
});
