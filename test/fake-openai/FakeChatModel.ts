import type { IncomingMessage, ServerResponse } from 'http';

import { LoopbackServer } from '../support/LoopbackServer';
import { recordSecret } from '../support/secretLeaks';

interface ChatMessage {
	role: string;
	content?: string | null;
	name?: string;
	tool_call_id?: string;
	tool_calls?: unknown[];
}

interface ToolSpec {
	type: 'function';
	function: { name: string; description?: string; parameters?: unknown };
}

export const FAKE_OPENAI_API_KEY = 'sk-fake-openai-0001';

/** Asked "Notify <user IDs>: <text>", the model sends that text with the notification tool. */
const NOTIFY_REQUEST = /^notify\s+([\w,]{1,200}):\s*([^\n]{1,500})$/i;

/**
 * A tool n8n put behind human review (a `…HitlTool` node between the tool and the agent) takes its own arguments
 * under `toolParameters` and the review node's `$fromAI` values under `hitlParameters` (n8n-core's
 * createHitlToolkit).
 */
function argumentsFor(spec: ToolSpec | undefined, args: Record<string, unknown>) {
	const properties = (spec?.function.parameters as { properties?: Record<string, unknown> })
		?.properties;
	return properties && 'toolParameters' in properties
		? { toolParameters: args, hitlParameters: {} }
		: args;
}

/**
 * An OpenAI-compatible chat model (Chat Completions, with and without streaming) that behaves like an agent's
 * model in the simplest useful way: offered DingTalk tools, it calls `dingtalk_send_text_notification` when asked
 * to notify someone, else `dingtalk_list_users` for the department named in the question; given the tool's result,
 * it answers with it. Records every request.
 */
export class FakeChatModel extends LoopbackServer {
	requests: Array<{ path: string; body: Record<string, unknown> }> = [];

	constructor() {
		super();
		recordSecret('OpenAI API key (fake model)', FAKE_OPENAI_API_KEY);
	}

	/** Fields of n8n's OpenAI credential pointing here. */
	credentials() {
		return { apiKey: FAKE_OPENAI_API_KEY, url: `${this.baseUrl}/v1` };
	}

	protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		let raw = '';
		for await (const chunk of req) raw += (chunk as Buffer).toString();
		const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
		const path = new URL(req.url ?? '/', 'http://fake').pathname;
		this.requests.push({ path, body });
		const json = (status: number, value: unknown) => {
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(value));
		};
		if (req.headers.authorization !== `Bearer ${FAKE_OPENAI_API_KEY}`)
			return json(401, {
				error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
			});
		if (req.method === 'GET' && path === '/v1/models')
			return json(200, {
				object: 'list',
				data: [{ id: 'fake-gpt', object: 'model', owned_by: 'fake' }],
			});
		if (req.method !== 'POST' || path !== '/v1/chat/completions')
			return json(404, { error: { message: `no route ${path}` } });

		const messages = (body.messages as ChatMessage[]) ?? [];
		const toolSpecs = (body.tools as ToolSpec[]) ?? [];
		const tools = toolSpecs.map((t) => t.function.name);
		const call = (id: string, name: string, args: Record<string, unknown>) => ({
			id,
			type: 'function' as const,
			function: {
				name,
				arguments: JSON.stringify(
					argumentsFor(
						toolSpecs.find((t) => t.function.name === name),
						args,
					),
				),
			},
		});
		const lastUser = [...messages].reverse().find((m) => m.role === 'user');
		const afterUser = messages.slice(messages.lastIndexOf(lastUser as ChatMessage) + 1);
		const toolResult = afterUser.find((m) => m.role === 'tool');
		const notify = NOTIFY_REQUEST.exec(String(lastUser?.content ?? '').trim());
		let message: {
			content: string | null;
			tool_calls?: Array<{
				id: string;
				type: 'function';
				function: { name: string; arguments: string };
			}>;
		};
		if (toolResult) {
			message = {
				content: `Here is what DingTalk says: ${String(toolResult.content).slice(0, 600)}`,
			};
		} else if (notify && tools.includes('dingtalk_send_text_notification')) {
			message = {
				content: null,
				tool_calls: [
					call('call_notify_1', 'dingtalk_send_text_notification', {
						userIds: notify[1],
						content: notify[2],
					}),
				],
			};
		} else if (tools.includes('dingtalk_list_users')) {
			const department = /department\s+(\d+)/i.exec(String(lastUser?.content ?? ''))?.[1] ?? '1';
			message = {
				content: null,
				tool_calls: [
					call('call_list_users_1', 'dingtalk_list_users', {
						departmentId: department,
						pageSize: 10,
					}),
				],
			};
		} else {
			message = { content: 'I have no DingTalk tools to answer that.' };
		}
		const finish = message.tool_calls ? 'tool_calls' : 'stop';
		const base = {
			id: `chatcmpl-${this.requests.length}`,
			created: Math.floor(Date.now() / 1000),
			model: String(body.model ?? 'fake-gpt'),
		};
		if (!body.stream) {
			return json(200, {
				...base,
				object: 'chat.completion',
				choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
				usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
			});
		}
		res.writeHead(200, { 'Content-Type': 'text/event-stream' });
		const chunk = (delta: unknown, finishReason: string | null = null) =>
			res.write(
				`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`,
			);
		chunk({ role: 'assistant', content: message.content ?? '' });
		if (message.tool_calls)
			chunk({ tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) });
		chunk({}, finish);
		res.write('data: [DONE]\n\n');
		res.end();
	}
}
