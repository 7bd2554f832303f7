/**
 * Stream mode throughput: messages/s through the DingTalk Trigger's full pipeline (StreamConnection → EventPipeline
 * with parsing, filters, de-duplication and sessions; emit stubbed) vs the bare dingtalk-stream SDK ACKing the same
 * messages from the same fake gateway, in the same run. Also ACK latency at 1,000 msg/s and RSS growth over 100k
 * messages. The clients run in their own processes (bench/stream-client.ts), so the fake gateway's CPU and memory are
 * not counted against them. Prints one JSON object. Run: npx tsx bench/stream-throughput.bench.ts
 */
import { type ChildProcess, spawn } from 'child_process';
import * as path from 'path';

import { TOPIC_ROBOT } from 'dingtalk-stream';

import { defaultFixture, FakeDingTalk } from '../test/fake-dingtalk';
import { atLeast, atMost, reportWithGoals } from './goals';

const THROUGHPUT_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const RSS_MESSAGES = Number(process.env.BENCH_RSS_MESSAGES ?? 100_000);

const fixture = defaultFixture();
const fake = new FakeDingTalk(fixture);
let seq = 0;
const message = () => ({
	msgId: `bench${++seq}`,
	conversationId: `cid${seq % 50}`,
	conversationType: '1',
	senderStaffId: `user${seq % 50}`,
	senderId: `sender${seq % 50}`,
	chatbotUserId: 'bot',
	msgtype: 'text',
	text: { content: `message ${seq}` },
	sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=x',
	sessionWebhookExpiredTime: Date.now() + 5_400_000,
});

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
async function until(probe: () => boolean) {
	while (!probe()) await sleep(1);
}

/** A client (bare SDK or the trigger's pipeline) in its own process, as DingTalk's gateway is another machine. */
class ClientProcess {
	private constructor(
		private readonly child: ChildProcess,
		readonly kind: 'bare' | 'trigger',
	) {}

	static async spawn(kind: 'bare' | 'trigger'): Promise<ClientProcess> {
		const child = spawn(
			process.execPath,
			['--import', 'tsx', '--expose-gc', path.join(__dirname, 'stream-client.ts')],
			{ stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
		);
		const client = new ClientProcess(child, kind);
		await client.next();
		return client;
	}

	private async next<T = Record<string, unknown>>(): Promise<T> {
		return await new Promise((resolve) =>
			this.child.once('message', (reply) => resolve(reply as T)),
		);
	}

	async ask<T = Record<string, unknown>>(command: Record<string, unknown>): Promise<T> {
		const reply = this.next<T>();
		this.child.send(command);
		return await reply;
	}

	async start(): Promise<() => Promise<void>> {
		await this.ask({ cmd: 'start', kind: this.kind, app: fake.appConfig() });
		return async () => void (await this.ask({ cmd: 'stop' }));
	}

	async exit(): Promise<void> {
		this.child.send({ cmd: 'exit' });
		await new Promise((resolve) => this.child.once('exit', resolve));
	}
}

async function throughput(client: ClientProcess, count: number) {
	fake.reset();
	fake.gateway.redeliveryMs = 600_000;
	const stop = await client.start();
	await until(() => fake.gateway.liveConnections().length === 1);
	const cpu = async () =>
		(await client.ask<{ cpuMicroseconds: number }>({ cmd: 'cpu' })).cpuMicroseconds;
	const cpuBefore = await cpu();
	const started = process.hrtime.bigint();
	for (let i = 0; i < count; i++) {
		fake.gateway.pushCallback(TOPIC_ROBOT, message());
		if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
	}
	await until(() => fake.gateway.acks.length >= count);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const cpuPerMessage = ((await cpu()) - cpuBefore) / count;
	await stop();
	await until(() => fake.gateway.liveConnections().length === 0);
	return { perSecond: +(count / seconds).toFixed(0), cpuPerMessage };
}

async function ackLatency(client: ClientProcess, rate: number, seconds: number) {
	fake.reset();
	const stop = await client.start();
	await until(() => fake.gateway.liveConnections().length === 1);
	const total = rate * seconds;
	const began = Date.now();
	for (let i = 0; i < total; i++) {
		fake.gateway.pushCallback(TOPIC_ROBOT, message());
		const due = began + ((i + 1) * 1000) / rate;
		const wait = due - Date.now();
		if (wait > 0) await sleep(wait);
	}
	await until(() => fake.gateway.acks.length >= total);
	const sentAt = new Map(fake.gateway.deliveries.map((d) => [d.messageId, d.at]));
	const latencies = fake.gateway.acks
		.map((a) => a.at - (sentAt.get(a.messageId) ?? a.at))
		.sort((x, y) => x - y);
	await stop();
	await until(() => fake.gateway.liveConnections().length === 0);
	const pct = (p: number) =>
		latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
	return {
		messages: total,
		p50Ms: pct(50),
		p99Ms: pct(99),
		maxMs: latencies[latencies.length - 1],
	};
}

async function rssGrowth(client: ClientProcess, count: number) {
	fake.reset();
	fake.gateway.redeliveryMs = 600_000;
	const stop = await client.start();
	await until(() => fake.gateway.liveConnections().length === 1);
	const sample = async () =>
		await client.ask<{ rss: number; heapUsed: number; gcExposed: boolean }>({ cmd: 'memory' });
	// Warm up to steady state (de-duplication memory fills to its bound) before the baseline sample.
	for (let i = 0; i < 10_000; i++) fake.gateway.pushCallback(TOPIC_ROBOT, message());
	await until(() => fake.gateway.acks.length >= 10_000);
	fake.gateway.reset();
	const before = await sample();
	for (let done = 0; done < count; done += 5000) {
		for (let i = 0; i < 5000; i++) fake.gateway.pushCallback(TOPIC_ROBOT, message());
		await until(() => fake.gateway.acks.length >= 5000);
		fake.gateway.reset(); // the fake's own records are not the trigger's memory
	}
	const after = await sample();
	await stop();
	const mb = (bytes: number) => +(bytes / 2 ** 20).toFixed(1);
	// Measured in the client's own process: the fake gateway's memory is not in it.
	return {
		messages: count,
		rssBeforeMb: mb(before.rss),
		rssAfterMb: mb(after.rss),
		rssGrowthMb: mb(after.rss - before.rss),
		heapGrowthMb: mb(after.heapUsed - before.heapUsed),
		gcExposed: after.gcExposed,
	};
}

async function main() {
	await fake.start();
	const bareClient = await ClientProcess.spawn('bare');
	const triggerClient = await ClientProcess.spawn('trigger');
	await throughput(bareClient, 2000); // warm-up
	await throughput(triggerClient, 2000);
	const bare1 = await throughput(bareClient, THROUGHPUT_MESSAGES);
	const ours1 = await throughput(triggerClient, THROUGHPUT_MESSAGES);
	const bare2 = await throughput(bareClient, THROUGHPUT_MESSAGES);
	const ours2 = await throughput(triggerClient, THROUGHPUT_MESSAGES);
	const bare = Math.max(bare1.perSecond, bare2.perSecond);
	const ours = Math.max(ours1.perSecond, ours2.perSecond);
	// CPU time the client process spends per message: the cost that decides throughput once the gateway is not
	// the bottleneck (and what a busy n8n host pays).
	const bareCpu = Math.min(bare1.cpuPerMessage, bare2.cpuPerMessage);
	const oursCpu = Math.min(ours1.cpuPerMessage, ours2.cpuPerMessage);
	const latency = {
		bareSdk: await ackLatency(bareClient, 1000, 5),
		trigger: await ackLatency(triggerClient, 1000, 5),
	};
	await bareClient.exit();
	const rss = await rssGrowth(triggerClient, RSS_MESSAGES);
	await triggerClient.exit();
	await fake.stop();
	const triggerVsBareSdk = +(ours / bare).toFixed(3);
	reportWithGoals(
		{
			benchmark: 'stream-throughput',
			clientsInTheirOwnProcess: true,
			messagesPerRun: THROUGHPUT_MESSAGES,
			messagesPerSecond: {
				bareSdk: bare,
				trigger: ours,
				runs: {
					bareSdk: [bare1.perSecond, bare2.perSecond],
					trigger: [ours1.perSecond, ours2.perSecond],
				},
			},
			triggerVsBareSdk,
			clientCpuMicrosecondsPerMessage: {
				bareSdk: +bareCpu.toFixed(1),
				trigger: +oursCpu.toFixed(1),
			},
			// Messages per CPU-second of the client, trigger vs bare SDK (≥ 1 = the trigger costs no more CPU).
			cpuEfficiencyVsBareSdk: +(bareCpu / oursCpu).toFixed(3),
			ackLatencyAt1000PerSecond: latency,
			rss,
		},
		[
			atLeast('triggerVsBareSdk', triggerVsBareSdk, 0.95),
			atMost('rss.rssGrowthMb', rss.rssGrowthMb, 10),
		],
	);
	// Child processes and the fake end here; the goals' exit code stays.
	process.exit();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
