import { readFileSync } from 'fs';

import { freePort, N8nServer } from '../harness/server';

/**
 * n8n in queue mode: one main (`n8n start`: UI, webhooks, active triggers — so the DingTalk Stream connection) and
 * workers (`n8n worker`: the executions), sharing Redis, the database and the encryption key.
 */
export class QueueCluster {
	readonly main = new N8nServer();
	readonly workers: N8nServer[] = [];

	constructor(
		private readonly env: Record<string, string>,
		private readonly concurrency: number,
	) {}

	async startMain(): Promise<void> {
		await this.main.start({ ...this.env, QUEUE_HEALTH_CHECK_PORT: String(await freePort()) });
		await this.main.setupOwner();
	}

	async addWorker(): Promise<N8nServer> {
		const worker = new N8nServer({
			args: ['worker', `--concurrency=${this.concurrency}`],
			readyLine: 'n8n worker is now ready',
		});
		this.workers.push(worker);
		await worker.start({ ...this.env, QUEUE_HEALTH_CHECK_PORT: String(await freePort()) });
		return worker;
	}

	get all(): N8nServer[] {
		return [this.main, ...this.workers];
	}

	/** User + system CPU seconds each process (main first) has used so far. */
	cpuSeconds(): number[] {
		return this.all.map((server) => {
			const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
			return (Number(fields[11]) + Number(fields[12])) / 100;
		});
	}

	rssMb(server: N8nServer): number {
		const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
		return match ? Math.round(Number(match[1]) / 1024) : 0;
	}

	/** How many executions each worker started (from its log). */
	startedPerWorker(): number[] {
		return this.workers.map(
			(worker) => (worker.logs.match(/Worker started execution/g) ?? []).length,
		);
	}

	async stop(): Promise<void> {
		// n8n's graceful stop waits for running executions; N8nServer.stop kills after 20 s.
		await Promise.all(this.all.map(async (server) => await server.stop()));
	}
}
