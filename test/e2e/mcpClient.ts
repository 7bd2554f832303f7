import { SseParser } from '../../nodes/XpertAi/transport/sse';

/**
 * A minimal MCP client (Streamable HTTP transport: JSON-RPC over POST, answers as JSON or as Server-Sent Events,
 * session in the `mcp-session-id` header), enough to list and call the tools an n8n MCP Server Trigger exposes.
 */
export class McpClient {
	private sessionId?: string;
	private nextId = 0;

	constructor(private readonly url: string) {}

	async initialize(): Promise<unknown> {
		const result = await this.request('initialize', {
			protocolVersion: '2025-03-26',
			capabilities: {},
			clientInfo: { name: 'n8n-nodes-dingtalk-e2e', version: '1.0.0' },
		});
		await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
		return result;
	}

	async listTools(): Promise<Array<{ name: string; description?: string; inputSchema?: unknown }>> {
		return (
			(await this.request('tools/list', {})) as {
				tools: Array<{ name: string; description?: string }>;
			}
		).tools;
	}

	async callTool(
		name: string,
		args: Record<string, unknown>,
	): Promise<{ content: Array<{ type: string; text?: string }>; isError?: boolean }> {
		return (await this.request('tools/call', { name, arguments: args })) as {
			content: Array<{ type: string; text?: string }>;
			isError?: boolean;
		};
	}

	private async request(method: string, params: unknown): Promise<unknown> {
		const id = ++this.nextId;
		const messages = await this.post({ jsonrpc: '2.0', id, method, params });
		const answer = messages.find((m) => m.id === id);
		if (!answer) throw new Error(`no answer to ${method}`);
		if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
		return answer.result;
	}

	private async post(
		body: unknown,
	): Promise<Array<{ id?: number; result?: unknown; error?: unknown }>> {
		const response = await fetch(this.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				accept: 'application/json, text/event-stream',
				...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
			},
			body: JSON.stringify(body),
		});
		this.sessionId = response.headers.get('mcp-session-id') ?? this.sessionId;
		const text = await response.text();
		if (response.status >= 400)
			throw new Error(`MCP HTTP ${response.status}: ${text.slice(0, 300)}`);
		if (!text.trim()) return [];
		if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
			return new SseParser()
				.push(`${text}\n\n`)
				.map((event) => JSON.parse(event.data) as { id?: number });
		}
		const json = JSON.parse(text) as unknown;
		return (Array.isArray(json) ? json : [json]) as Array<{ id?: number }>;
	}
}
