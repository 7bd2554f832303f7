/**
 * The main job: install the package into a real n8n like Community Nodes does, import a DingTalk credential and
 * the demo flows, and start n8n. Without a real app configured (DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET,
 * optional DINGTALK_ROBOT_CODE) it serves a fake DingTalk on loopback and shows what n8n sends to it.
 * `--check`: run every demo flow once with `n8n execute`, print the outcome as JSON, and exit.
 */
import { spawn } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';

import { defaultFixture, FakeDingTalk } from '../test/fake-dingtalk';
import { ensureN8n, installIntoUserFolder, packPackage } from '../test/e2e/install';
import { executeWorkflow, importCredentials, importWorkflows, n8nBin, n8nEnv, nodeBinDir, runN8n } from '../test/e2e/n8n';
import { PROJECT_ROOT, USER_FOLDER } from '../test/e2e/paths';

const check = process.argv.includes('--check');
const port = Number(process.env.N8N_PORT ?? 5678);

async function main() {
	ensureN8n();
	installIntoUserFolder(packPackage(path.join(PROJECT_ROOT, '.demo')), USER_FOLDER);

	const realApp = process.env.DINGTALK_CLIENT_ID && process.env.DINGTALK_CLIENT_SECRET;
	let fake: FakeDingTalk | undefined;
	let data: Record<string, string>;
	if (realApp) {
		data = {
			clientId: process.env.DINGTALK_CLIENT_ID as string,
			clientSecret: process.env.DINGTALK_CLIENT_SECRET as string,
			robotCode: process.env.DINGTALK_ROBOT_CODE ?? '',
			language: process.env.DINGTALK_LANGUAGE === 'zh-CN' ? 'zh-CN' : 'en',
		};
	} else {
		const fixture = defaultFixture();
		fake = new FakeDingTalk(fixture);
		await fake.start(Number(process.env.FAKE_DINGTALK_PORT ?? 3999));
		data = fake.appConfig();
		log(`fake DingTalk listening on ${fake.baseUrl} (no DINGTALK_CLIENT_ID set)`);
	}
	await importCredentials([{ id: 'dingtalkDemoCred', name: 'DingTalk account', type: 'dingTalkStreamApi', data }]);
	const flows = readdirSync(path.join(PROJECT_ROOT, 'workflows'))
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'workflows', file), 'utf8')) as DemoFlow);
	// Flows started by hand can run with `n8n execute`; flows with a trigger are published so `n8n start` activates them.
	const manual = flows.filter((f) => f.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger'));
	const triggered = flows.filter((f) => !manual.includes(f));
	await importWorkflows(flows);
	log(`imported ${flows.length} flow(s): ${flows.map((f) => f.name).join(', ')}`);

	if (check) {
		const outcomes = [];
		for (const flow of manual) {
			const result = await executeWorkflow(flow.id);
			outcomes.push({ flow: flow.name, ok: result.ok, error: result.errorMessage, nodes: Object.keys(result.runData) });
		}
		console.log(JSON.stringify({ outcomes, dingTalkRequests: fake?.requests.map((r) => `${r.method} ${r.path} → ${r.status}`) }, null, 2));
		await fake?.stop();
		process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
	}

	for (const flow of triggered) {
		const published = await runN8n(['publish:workflow', `--id=${flow.id}`]);
		if (published.code !== 0) throw new Error(`publishing ${flow.name} failed:\n${published.stdout}${published.stderr}`);
	}
	const n8n = spawn(path.join(nodeBinDir(), 'node'), [n8nBin(), 'start'], {
		env: n8nEnv({ N8N_PORT: String(port) }),
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	log(`starting n8n: open http://localhost:${port} (first visit asks you to create the owner account)`);
	log(`then open a "DingTalk: …" flow and press "Execute workflow"; DingTalk calls are printed here`);
	if (fake) {
		log(`write to the bot as a DingTalk user would: curl -s -d '{"text":"hello"}' ${fake.baseUrl}/__fake/stream/messages`);
		log(`see its replies: curl -s ${fake.baseUrl}/__fake/replies`);
		let shown = 0;
		setInterval(() => {
			for (const r of fake.requests.slice(shown)) log(`DingTalk ← ${r.method} ${r.path} → ${r.status}`);
			shown = fake.requests.length;
		}, 500).unref();
	}
	const stop = () => n8n.kill('SIGTERM');
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	n8n.on('close', async (code) => {
		await fake?.stop();
		process.exit(code ?? 0);
	});
}

interface DemoFlow {
	id: string;
	name: string;
	nodes: Array<{ type: string }>;
}

function log(message: string) {
	console.log(`[n8n-nodes-dingtalk] ${message}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
