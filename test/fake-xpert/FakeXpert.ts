import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';

import { LoopbackServer } from '../support/LoopbackServer';
import { recordSecret } from '../support/secretLeaks';
import { isApprovalReview, reviewApproval } from './approvalReview';

/** A published Digital Expert as `assistants/search` lists it. */
export interface FakeExpert {
	assistant_id: string;
	name: string;
	description: string;
}

interface Thread {
	thread_id: string;
	assistant_id?: string;
	metadata: Record<string, unknown>;
	messages: Array<{ role: 'human' | 'ai'; content: string }>;
	created_at: string;
}

export interface XpertRequestRecord {
	method: string;
	path: string;
	body: unknown;
	status: number;
	at: number;
}

export interface XpertFault {
	/** Regular expression on the path (after /api/ai). */
	path: string;
	status?: number;
	delayMs?: number;
	times?: number;
}

/** How runs/stream writes its answer (defaults: all at once, as fast as possible). */
export interface FakeStreamOptions {
	/** Write the SSE bytes one per write, flushed separately (multi-byte characters split across chunks). */
	byteByByte?: boolean;
	/** Wait between answer tokens. */
	tokenDelayMs?: number;
	/** Wait after the last token before ending the stream (an expert that pauses). */
	tailPauseMs?: number;
	/** Never answer: send a keep-alive comment this often until the client goes away. */
	keepAliveForeverMs?: number;
	/** Replaces the deterministic answer (e.g. Chinese text). */
	answer?: string;
	/**
	 * Fail mid-answer as Xpert does: after this many answer words, an `on_conversation_end` event with status
	 * `error` and `failWith` as its error, then `event: complete`.
	 */
	failAfterWords?: number;
	failWith?: string;
	/** Close the connection cleanly after this many answer words, without the closing events (a cut-off answer). */
	endAfterWords?: number;
}

/** When the last stream's first and last answer tokens were written (Date.now()). */
export interface FakeStreamTimes {
	firstToken?: number;
	lastToken?: number;
	closed?: number;
}

export const FAKE_XPERT_API_KEY = 'sk-x-fake-xpert-key-0001';

/**
 * A fake Xpert AI server speaking the parts of the LangGraph Agent Protocol the Xpert AI node uses, under
 * `/api/ai` (facts: ../shared/xpert-api.md): assistants/search, threads (create with a client-chosen id and
 * `if_exists`, get, delete), runs/wait and runs/stream (SSE frames as Xpert sends them), API-key auth, the input
 * validation Xpert applies (the documented `{input: {input}}` shape is refused, as in xpert-ai/xpert#338), faults,
 * and a record of every request. Each expert answers deterministically, counting the turns of its thread, so tests
 * can see that a session kept its thread.
 */
export class FakeXpert extends LoopbackServer {
	readonly experts: FakeExpert[] = [
		{
			assistant_id: 'xpert-helpdesk-0001',
			name: 'IT Helpdesk',
			description: 'Answers IT questions',
		},
		{
			assistant_id: 'xpert-hr-0002',
			name: 'HR Assistant',
			description: 'Leave, payroll and benefits',
		},
	];
	readonly threads = new Map<string, Thread>();
	requests: XpertRequestRecord[] = [];
	private faults: XpertFault[] = [];
	streamOptions: FakeStreamOptions = {};
	/** Answers given instead of the deterministic one, first in first out (e.g. one the flow cannot read). */
	nextAnswers: string[] = [];
	streamTimes: FakeStreamTimes = {};
	/** Requests being answered now, and the most at once since the last reset (how many runs ask in parallel). */
	inFlight = 0;
	maxInFlight = 0;
	constructor(readonly apiKey = FAKE_XPERT_API_KEY) {
		super();
		recordSecret('Xpert AI API key (fake Xpert)', apiKey);
	}

	/** Credential fields pointing at this fake. */
	credentials() {
		return { baseUrl: `${this.baseUrl}/api/ai`, apiKey: this.apiKey, organizationId: '' };
	}

	injectFault(fault: XpertFault): void {
		this.faults.push({ times: 1, ...fault });
	}

	reset(): void {
		this.requests = [];
		this.faults = [];
		this.threads.clear();
		this.streamOptions = {};
		this.nextAnswers = [];
		this.streamTimes = {};
		this.maxInFlight = this.inFlight;
	}

	/**
	 * What the expert answers on the given turn of its thread: a prompt in the Approval assistant's format gets an
	 * approval review (./approvalReview.ts), anything else an echo that counts the turns.
	 */
	static answer(expert: FakeExpert, text: string, turn: number): string {
		if (isApprovalReview(text)) return reviewApproval(text);
		return `**${expert.name}**: you asked "${text}" (turn ${turn} of this conversation).`;
	}

	protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		res.once('close', () => this.inFlight--);
		const url = new URL(req.url ?? '/', 'http://fake');
		const raw = await new Promise<string>((resolve) => {
			let data = '';
			req.on('data', (chunk: Buffer) => (data += chunk.toString()));
			req.on('end', () => resolve(data));
		});
		let body: unknown = undefined;
		try {
			body = raw ? JSON.parse(raw) : undefined;
		} catch {
			return this.send(req, res, url.pathname, undefined, 400, { message: 'Invalid JSON body' });
		}
		const path = url.pathname.replace(/^\/api\/ai/, '');
		const fault = this.faults.find((f) => (f.times ?? 0) > 0 && new RegExp(f.path).test(path));
		if (fault) {
			fault.times = (fault.times ?? 1) - 1;
			if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
			if (fault.status)
				return this.send(req, res, path, body, fault.status, {
					message: `injected ${fault.status}`,
				});
		}
		const key =
			req.headers['x-api-key'] ??
			String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
		if (!url.pathname.startsWith('/api/ai/'))
			return this.send(req, res, path, body, 404, { message: 'Cannot find route' });
		if (key !== this.apiKey)
			return this.send(req, res, path, body, 401, { message: 'Unauthorized', statusCode: 401 });
		return this.route(req, res, path, body as Record<string, unknown> | undefined);
	}

	private route(
		req: IncomingMessage,
		res: ServerResponse,
		path: string,
		body: Record<string, unknown> = {},
	): void {
		const method = req.method ?? 'GET';
		const send = (status: number, json: unknown) => this.send(req, res, path, body, status, json);
		if (method === 'POST' && path === '/assistants/search') {
			const limit = Number(body.limit ?? 10);
			const offset = Number(body.offset ?? 0);
			const now = new Date(0).toISOString();
			return send(
				200,
				this.experts.slice(offset, offset + limit).map((e) => ({
					...e,
					graph_id: e.assistant_id,
					version: 1,
					created_at: now,
					updated_at: now,
					config: {},
					metadata: {},
				})),
			);
		}
		let match = /^\/assistants\/([^/]+)$/.exec(path);
		if (method === 'GET' && match) {
			const expert = this.experts.find((e) => e.assistant_id === match?.[1]);
			return expert
				? send(200, expert)
				: send(404, { message: `Xpert ${match[1]} not found`, statusCode: 404 });
		}
		if (method === 'POST' && path === '/threads') {
			const id = typeof body.thread_id === 'string' ? body.thread_id : randomUUID();
			const existing = this.threads.get(id);
			if (existing)
				return body.if_exists === 'do_nothing'
					? send(200, this.threadView(existing))
					: send(409, { message: `Thread ${id} already exists` });
			const thread: Thread = {
				thread_id: id,
				assistant_id: body.assistant_id as string | undefined,
				metadata: (body.metadata as Record<string, unknown>) ?? {},
				messages: [],
				created_at: new Date().toISOString(),
			};
			this.threads.set(id, thread);
			return send(200, this.threadView(thread));
		}
		match = /^\/threads\/([^/]+)$/.exec(path);
		if (match) {
			const thread = this.threads.get(match[1]);
			if (!thread) return send(404, { message: `Thread ${match[1]} not found`, statusCode: 404 });
			if (method === 'GET') return send(200, this.threadView(thread));
			if (method === 'DELETE') {
				this.threads.delete(match[1]);
				return send(204, undefined);
			}
		}
		match = /^\/threads\/([^/]+)\/runs\/(wait|stream)$/.exec(path);
		if (method === 'POST' && match) {
			const thread = this.threads.get(match[1]);
			if (!thread) return send(404, { message: `Thread ${match[1]} not found`, statusCode: 404 });
			const expert = this.experts.find((e) => e.assistant_id === body.assistant_id);
			if (!expert)
				return send(404, {
					message: `Xpert ${String(body.assistant_id)} not found`,
					statusCode: 404,
				});
			const input = body.input as
				| { action?: string; message?: { input?: { input?: unknown } } }
				| undefined;
			const text = input?.message?.input?.input;
			if (input?.action !== 'send' || typeof text !== 'string') {
				return send(400, {
					message: 'input.action must be "send" with input.message.input.input (string)',
					statusCode: 400,
				});
			}
			thread.messages.push({ role: 'human', content: text });
			const answer =
				this.nextAnswers.shift() ??
				FakeXpert.answer(expert, text, thread.messages.filter((m) => m.role === 'human').length);
			thread.messages.push({ role: 'ai', content: answer });
			if (match[2] === 'wait') return send(200, { role: 'ai', content: answer });
			return this.stream(req, res, path, body, answer);
		}
		return send(404, { message: `Cannot ${method} /api/ai${path}` });
	}

	private threadView(thread: Thread) {
		return {
			thread_id: thread.thread_id,
			status: 'idle',
			created_at: thread.created_at,
			updated_at: thread.created_at,
			metadata: { ...thread.metadata, assistant_id: thread.assistant_id },
			values: { messages: thread.messages },
		};
	}

	/** SSE as Xpert sends it: events around message chunks, then `event: complete` (paced by streamOptions). */
	private stream(
		req: IncomingMessage,
		res: ServerResponse,
		path: string,
		body: unknown,
		answer: string,
	): void {
		this.requests.push({ method: req.method ?? 'POST', path, body, status: 200, at: Date.now() });
		const options = this.streamOptions;
		const times: FakeStreamTimes = (this.streamTimes = {});
		res.writeHead(200, {
			'Content-Type': 'text/event-stream',
			'Cache-Control': 'no-cache',
			Connection: 'keep-alive',
		});
		let closed = false;
		res.on('close', () => {
			closed = true;
			times.closed = Date.now();
		});
		const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
		const write = async (text: string) => {
			if (closed) return;
			if (!options.byteByByte) return void res.write(text);
			for (const byte of Buffer.from(text)) {
				if (closed) return;
				res.write(Buffer.from([byte]));
				await sleep(0);
			}
		};
		let id = 0;
		const frame = (data: unknown) => write(`id: ${++id}\ndata: ${JSON.stringify(data)}\n\n`);
		void (async () => {
			await frame({ type: 'event', event: 'on_conversation_start', data: {} });
			await frame({ type: 'event', event: 'on_message_start', data: {} });
			await write(': keep-alive\n\n');
			if (options.keepAliveForeverMs) {
				while (!closed) {
					await write(': keep-alive\n\n');
					await sleep(options.keepAliveForeverMs);
				}
				return;
			}
			const text = options.answer ?? answer;
			const words = text.match(/\S+\s*/g) ?? [text];
			for (const [i, word] of words.entries()) {
				if (i === options.endAfterWords) return void res.end();
				if (i === options.failAfterWords) {
					await frame({
						type: 'event',
						event: 'on_conversation_end',
						data: { status: 'error', error: options.failWith ?? 'the model provider failed' },
					});
					await write(`event: complete\ndata: ${JSON.stringify({ status: 'error' })}\n\n`);
					return void res.end();
				}
				if (i && options.tokenDelayMs) await sleep(options.tokenDelayMs);
				await frame({ type: 'message', data: i % 2 === 0 ? word : { type: 'text', text: word } });
				times.firstToken ??= Date.now();
				times.lastToken = Date.now();
			}
			if (options.tailPauseMs) await sleep(options.tailPauseMs);
			await frame({ type: 'event', event: 'on_conversation_end', data: { status: 'success' } });
			await write(`event: complete\ndata: ${JSON.stringify({ status: 'success' })}\n\n`);
			res.end();
		})();
	}

	private send(
		req: IncomingMessage,
		res: ServerResponse,
		path: string,
		body: unknown,
		status: number,
		json: unknown,
	): void {
		this.requests.push({ method: req.method ?? 'GET', path, body, status, at: Date.now() });
		res.writeHead(status, json === undefined ? {} : { 'Content-Type': 'application/json' });
		res.end(json === undefined ? undefined : JSON.stringify(json));
	}
}
