import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { PassThrough } from 'stream';

import { execute } from '../../nodes/XpertAi/actions/expert/askStreaming.operation';
import { xpertClientFor } from '../../nodes/XpertAi/transport/xpertApi';

// The AI card updates, as DingTalk would receive them (the DingTalk client itself is tested elsewhere).
const cardUpdates: Array<{ content: string; isFinalize: boolean; isError: boolean }> = [];
let appCount = 0;
jest.mock('../../nodes/shared/dingTalk', () => ({
	...jest.requireActual('../../nodes/shared/dingTalk'),
	// A new app per test: each gets its own streaming budget.
	clientFor: jest.fn(async () => ({
		app: {
			clientId: `dingunit${++appCount}`,
			clientSecret: 's',
			apiBaseUrl: 'http://dingtalk.test',
		},
		api: async (
			_method: string,
			_path: string,
			update: { content: string; isFinalize: boolean; isError: boolean },
		) => {
			cardUpdates.push({
				content: update.content,
				isFinalize: update.isFinalize,
				isError: update.isError,
			});
			return {};
		},
	})),
}));

const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

/** A small execute context: Xpert's runs/stream answers with `stream`, whose writes the test controls. */
function contextFor(
	stream: PassThrough,
	options: Record<string, unknown> = {},
	cancel?: AbortSignal,
) {
	const requests: IHttpRequestOptions[] = [];
	const params: Record<string, unknown> = {
		expert: 'xpert-1',
		message: 'hi',
		sessionKey: 's',
		outTrackId: 'track-1',
		cardField: 'content',
		options,
	};
	const context = {
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => params[name] ?? fallback,
		getNode: () => ({
			id: '1',
			name: 'Xpert AI',
			type: 'xpertAi',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getCredentials: async () => ({ baseUrl: 'http://xpert.test/api/ai', apiKey: 'k' }),
		getExecutionCancelSignal: () => cancel,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, request: IHttpRequestOptions) => {
				requests.push(request);
				if (!String(request.url).endsWith('/runs/stream')) return {};
				(request.abortSignal as AbortSignal | undefined)?.addEventListener('abort', () =>
					stream.destroy(),
				);
				return stream;
			},
		},
	};
	return { context: context as unknown as IExecuteFunctions, requests };
}

beforeEach(() => {
	cardUpdates.length = 0;
});
afterEach(() => jest.useRealTimers());

describe('Ask (Streaming)', () => {
	it('keeps Chinese text whole when the stream arrives byte by byte (UTF-8 decoded across chunks)', async () => {
		const answer = '你好，世界！这是一个测试答案。🙂';
		const stream = new PassThrough();
		const { context } = contextFor(stream);
		const run = execute.call(context, xpertClientFor(context), 0);
		const bytes = Buffer.from(
			answer
				.split('')
				.map((c) => frame({ type: 'message', data: c }))
				.join('') + 'event: complete\ndata: {}\n\n',
		);
		// One byte per read: the reader takes each before the next is written (written at once, they would coalesce).
		void (async () => {
			for (const byte of bytes) {
				stream.write(Buffer.from([byte]));
				await new Promise((resolve) => setImmediate(resolve));
			}
			stream.end();
		})();
		const result = await run;
		expect(result.answer).toBe(answer);
		expect(cardUpdates.at(-1)).toEqual({ content: answer, isFinalize: true, isError: false });
		expect(cardUpdates.every((u) => !u.content.includes('\uFFFD'))).toBe(true);
	});

	it('ends a stream that only sends keep-alives at Timeout, and marks the card failed', async () => {
		jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
		const stream = new PassThrough();
		const { context } = contextFor(stream, { timeout: 5 });
		const run = execute.call(context, xpertClientFor(context), 0);
		const outcome = run.then(
			() => 'finished',
			(error: Error) => error.message,
		);
		await new Promise((resolve) => setImmediate(resolve));
		stream.write(frame({ type: 'message', data: 'partial' }));
		// Keep-alives every second: each resets a socket-idle timeout, none may extend the answer's deadline.
		for (let s = 0; s < 6; s++) {
			stream.write(': keep-alive\n\n');
			await jest.advanceTimersByTimeAsync(1000);
		}
		expect(await outcome).toBe('Xpert AI did not answer within 5 s');
		expect(stream.destroyed).toBe(true);
		expect(cardUpdates.at(-1)).toEqual({ content: 'partial', isFinalize: true, isError: true });
	});

	it('closes the stream when the execution is stopped, and marks the card failed', async () => {
		const stream = new PassThrough();
		const cancel = new AbortController();
		const { context } = contextFor(stream, {}, cancel.signal);
		const run = execute.call(context, xpertClientFor(context), 0);
		const outcome = run.then(
			() => 'finished',
			(error: Error) => error.message,
		);
		await new Promise((resolve) => setImmediate(resolve));
		stream.write(frame({ type: 'message', data: 'so far' }));
		await new Promise((resolve) => setImmediate(resolve));
		cancel.abort();
		// Bounded: the operation must be over well before this.
		const bounded = await Promise.race([
			outcome,
			new Promise((resolve) => setTimeout(() => resolve('still running'), 1000)),
		]);
		expect(bounded).toBe('The execution was stopped while the expert was answering');
		expect(stream.destroyed).toBe(true);
		expect(cardUpdates.at(-1)).toEqual({ content: 'so far', isFinalize: true, isError: true });
	});

	it('flushes text that arrived between updates when the expert pauses', async () => {
		jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
		const stream = new PassThrough();
		const { context } = contextFor(stream, { updateIntervalMs: 500 });
		const run = execute.call(context, xpertClientFor(context), 0);
		await jest.advanceTimersByTimeAsync(0);
		stream.write(frame({ type: 'message', data: 'Hello' }));
		await jest.advanceTimersByTimeAsync(10);
		expect(cardUpdates.map((u) => u.content)).toEqual(['Hello']);
		stream.write(frame({ type: 'message', data: ' world' }));
		await jest.advanceTimersByTimeAsync(10);
		expect(cardUpdates.map((u) => u.content)).toEqual(['Hello']);
		// The expert pauses: no chunk arrives, the pending words still reach the card once the interval has passed.
		await jest.advanceTimersByTimeAsync(500);
		expect(cardUpdates.map((u) => u.content)).toEqual(['Hello', 'Hello world']);
		stream.end('event: complete\ndata: {}\n\n');
		// The final update waits for the app's next slot (one every 50 ms at DingTalk's 20 per second).
		await jest.advanceTimersByTimeAsync(50);
		await run;
		expect(cardUpdates.at(-1)).toEqual({
			content: 'Hello world',
			isFinalize: true,
			isError: false,
		});
	});
});
