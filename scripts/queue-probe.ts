/**
 * Exploration for issue 6 (queue mode), not part of the test suite: n8n in queue mode (Redis from the Debian package,
 * one main, WORKERS workers, SQLite shared by all) with the Stream trigger and a Reply flow; pushes MESSAGES robot
 * messages and prints replies, ACKs, deliveries and throughput. Run: DINGTALK_N8N_USER_FOLDER=/tmp/qm/user
 * WORKERS=2 MESSAGES=200 npx tsx scripts/queue-probe.ts (needs redis-server on PATH).
 */
import { type ChildProcess, spawn } from 'child_process';
import * as path from 'path';

import { defaultFixture, FakeDingTalk, robotMessage } from '../test/fake-dingtalk';
import { waitFor } from '../test/e2e/helpers';
import { ensureN8n, installIntoUserFolder, packPackage } from '../test/e2e/install';
import { importCredentials, importWorkflows, n8nBin, n8nEnv, nodeBinDir, runN8n } from '../test/e2e/n8n';
import { E2E_DIR, PACKAGE_PREFIX, USER_FOLDER } from '../test/e2e/paths';
import { freePort } from '../test/e2e/server';

const WORKERS = Number(process.env.WORKERS ?? 2);
const MESSAGES = Number(process.env.MESSAGES ?? 500);

async function main() {
	ensureN8n();
	installIntoUserFolder(packPackage(path.join(E2E_DIR, 'queue')), USER_FOLDER);
	const fake = new FakeDingTalk(defaultFixture());
	await fake.start();
	fake.gateway.redeliveryMs = Number(process.env.REDELIVERY_MS ?? 16_000);
	fake.gateway.maxDeliveries = Number(process.env.MAX_DELIVERIES ?? 4);
	const redisPort = await freePort();
	const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
	const creds = { dingTalkStreamApi: { id: 'qmStreamCred0001', name: 'qm' } };
	await importCredentials([{ id: 'qmStreamCred0001', name: 'qm', type: 'dingTalkStreamApi', data: fake.appConfig() }]);
	await importWorkflows([
		{
			id: 'qmEchoFlow000001',
			name: 'qm echo',
			active: false,
			nodes: [
				{ id: 't', name: 'DingTalk Trigger', type: `${PACKAGE_PREFIX}.dingTalkTrigger`, typeVersion: 1.1, position: [0, 0], parameters: { events: ['message'] }, credentials: creds },
				{ id: 'r', name: 'Reply', type: `${PACKAGE_PREFIX}.dingTalk`, typeVersion: 1, position: [200, 0], parameters: { resource: 'message', operation: 'reply', messageType: 'text', text: '=Q {{ $json.text }}' }, credentials: creds },
			],
			connections: { 'DingTalk Trigger': { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		},
	]);
	await runN8n(['publish:workflow', '--id=qmEchoFlow000001']);
	const queueEnv = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redisPort), N8N_LOG_LEVEL: 'info' };
	const logs: Record<string, string> = {};
	const start = async (name: string, args: string[]): Promise<ChildProcess> => {
		const child = spawn(path.join(nodeBinDir(), 'node'), [n8nBin(), ...args], {
			cwd: E2E_DIR,
			env: n8nEnv({ ...queueEnv, N8N_PORT: String(await freePort()), QUEUE_HEALTH_CHECK_PORT: String(await freePort()), N8N_RUNNERS_BROKER_PORT: String(await freePort()) }),
		});
		logs[name] = '';
		child.stdout?.on('data', (c: Buffer) => (logs[name] += c.toString()));
		child.stderr?.on('data', (c: Buffer) => (logs[name] += c.toString()));
		return child;
	};
	const main = await start('main', ['start']);
	const workers = [];
	for (let i = 0; i < WORKERS; i++) workers.push(await start(`worker${i}`, ['worker', '--concurrency=10']));
	try {
		await waitFor(() => fake.gateway.liveConnections().length > 0, 120_000);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		const cpu = (pid?: number) => { const f = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
		const cpuBefore = [main, ...workers].map((c) => cpu(c.pid));
		const started = Date.now();
		const users = [...fake.users.keys()];
		for (let i = 0; i < MESSAGES; i++) fake.gateway.pushCallback('/v1.0/im/bot/messages/get', robotMessage(fake, { text: `m${i}`, senderStaffId: users[i % users.length] }));
		const replies = () => fake.sentMessages.filter((m) => m.channel === 'session').map((m) => (m.body as { text: { content: string } }).text.content);
		await waitFor(() => new Set(replies()).size >= MESSAGES, 300_000).catch(() => undefined);
		const seconds = (Date.now() - started) / 1000;
		const all = replies();
		console.log(JSON.stringify({ cpuSeconds: [main, ...workers].map((c, i) => +(cpu(c.pid) - cpuBefore[i]).toFixed(1)) }));
		await waitFor(() => fake.gateway.acks.length >= MESSAGES, 60_000).catch(() => undefined);
		console.log(JSON.stringify({ workers: WORKERS, messages: MESSAGES, replies: all.length, unique: new Set(all).size, acks: fake.gateway.acks.length, deliveries: fake.gateway.deliveries.length, seconds, perSecond: +(new Set(all).size / seconds).toFixed(1) }));
	} finally {
		for (const [name, text] of Object.entries(logs)) console.error(`---- ${name}\n${text.split('\n').filter((l) => !/ENOTFOUND|Strapi|^\s+at /.test(l)).slice(-25).join('\n')}`);
		// n8n shuts down gracefully (it waits for running executions): give it a moment, then make sure it is gone.
		const children = [main, ...workers];
		for (const child of children) child.kill('SIGTERM');
		await Promise.race([Promise.all(children.map(async (c) => await new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve))))), new Promise((resolve) => setTimeout(resolve, 15_000))]);
		for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
		redis.kill('SIGKILL');
		await fake.stop();
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
