import { type ChildProcess, spawn } from 'child_process';
import { createServer } from 'net';
import * as path from 'path';

import { openProcessLog } from '../support/secretLeaks';
import { scratchDir } from './paths';
import { n8nBin, n8nEnv, nodeBinDir } from './n8n';

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/**
 * `n8n start` for what only a running instance offers: the REST API the editor uses (credential tests, resource
 * locator searches) and, later, active triggers. Logs are kept for assertions (no secret may appear in them).
 */
export class N8nServer {
	logs = '';
	private child?: ChildProcess;
	/** The file this start's output (and the REST answers it gave the tests) is written to. */
	private log?: ReturnType<typeof openProcessLog>;
	private cookie = '';
	port = 0;

	/** `n8n start` by default; queue mode also starts `n8n worker` processes (ready when they print their line). */
	constructor(
		private readonly command: { args: string[]; readyLine: string } = {
			args: ['start'],
			readyLine: 'Editor is now accessible',
		},
	) {}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	async start(extraEnv: Record<string, string> = {}): Promise<void> {
		// A second start of the same server object waits for its own start-up line, not the first one's.
		this.logs = '';
		this.port = await freePort();
		const brokerPort = await freePort();
		this.child = spawn(path.join(nodeBinDir(), 'node'), [n8nBin(), ...this.command.args], {
			cwd: scratchDir(),
			env: n8nEnv({
				N8N_PORT: String(this.port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				...extraEnv,
			}),
		});
		// Also written through to .e2e/logs (one file per start), so a failing test loses none of it.
		const log = openProcessLog(`server-${this.command.args[0]}`);
		this.log = log;
		const keep = (chunk: Buffer) => {
			this.logs += chunk.toString();
			log.write(chunk);
		};
		this.child.stdout?.on('data', keep);
		this.child.stderr?.on('data', keep);
		this.child.on('exit', (code, signal) => log.write(`\n[exit ${code ?? signal}]\n`));
		const deadline = Date.now() + 150_000;
		// /healthz answers early; the editor (and activation of published workflows) is ready with this line.
		while (!this.logs.includes(this.command.readyLine)) {
			if (this.child.exitCode !== null)
				throw new Error(`n8n exited with ${this.child.exitCode}:\n${this.logs}`);
			if (Date.now() > deadline)
				throw new Error(`n8n did not start in time:\n${this.logs.slice(-3000)}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	async stop(): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/**
	 * Creates the owner account on the first start of this user folder, or logs in as that owner when another test
	 * file already created it; keeps the session cookie for REST calls.
	 */
	async setupOwner(): Promise<void> {
		const owner = { email: 'owner@example.com', password: 'Passw0rd-e2e!' };
		const post = async (route: string, body: unknown) =>
			await fetch(`${this.baseUrl}/rest${route}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'browser-id': 'e2e-browser' },
				body: JSON.stringify(body),
			});
		let response = await post('/owner/setup', { ...owner, firstName: 'E2E', lastName: 'Owner' });
		if (response.status === 400 && (await response.clone().text()).includes('already setup')) {
			response = await post('/login', {
				emailOrLdapLoginId: owner.email,
				password: owner.password,
			});
		}
		if (!response.ok)
			throw new Error(`owner setup/login failed: ${response.status} ${await response.text()}`);
		this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
	}

	/**
	 * How many executions of a workflow n8n has recorded, running ones included. n8n's list answers `count` for
	 * finished executions only and lists the running ones (status new/running) beside them: a run still finishing
	 * was missing from a baseline taken with `count` alone.
	 */
	async executionCount(workflowId: string): Promise<number> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const { data } = await this.rest<{ count: number; results?: Array<{ status?: string }> }>(
			'GET',
			`/executions?filter=${filter}&limit=100`,
		);
		if (typeof data.count !== 'number' || !Array.isArray(data.results))
			throw new Error(`unexpected executions answer: ${JSON.stringify(data)}`);
		return (
			data.count + data.results.filter((e) => e.status === 'new' || e.status === 'running').length
		);
	}

	/** How many finished executions of a workflow ended in an error (n8n's status filter: error and crashed). */
	async failedExecutionCount(workflowId: string): Promise<number> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status: ['error', 'crashed'] }));
		const { data } = await this.rest<{ count: number }>(
			'GET',
			`/executions?filter=${filter}&limit=1`,
		);
		if (typeof data.count !== 'number')
			throw new Error(`unexpected executions answer: ${JSON.stringify(data)}`);
		return data.count;
	}

	/** The executions n8n recorded for a workflow (the newest 100), with their ids and statuses. */
	async executions(workflowId: string): Promise<Array<{ id: string; status: string }>> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const { data } = await this.rest<{ results?: Array<{ id: string; status: string }> }>(
			'GET',
			`/executions?filter=${filter}&limit=100`,
		);
		return data.results ?? [];
	}

	/** A link n8n made for WEBHOOK_URL's host (localhost), on the address this server listens on. */
	local(link: string): string {
		const parsed = new URL(link);
		return `${this.baseUrl}${parsed.pathname}${parsed.search}`;
	}

	/** GET of a path outside /rest with the session cookie, e.g. the editor's `/types/nodes.json`. */
	async getJson<T = unknown>(urlPath: string): Promise<{ status: number; data: T }> {
		const response = await fetch(`${this.baseUrl}${urlPath}`, {
			headers: { cookie: this.cookie, 'browser-id': 'e2e-browser' },
		});
		return { status: response.status, data: (await response.json().catch(() => undefined)) as T };
	}

	async rest<T = unknown>(
		method: string,
		route: string,
		body?: unknown,
	): Promise<{ status: number; data: T }> {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: {
				'Content-Type': 'application/json',
				cookie: this.cookie,
				'browser-id': 'e2e-browser',
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		// What the editor would show (credential test messages, picker results) is output too: kept with the logs.
		this.log?.write(`\n[REST ${method} ${route} → ${response.status}] ${text}\n`);
		let json: { data?: T } = {};
		try {
			json = JSON.parse(text) as { data?: T };
		} catch {
			json = {};
		}
		return { status: response.status, data: (json.data ?? json) as T };
	}
}
