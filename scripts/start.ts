/**
 * The main job: install the package into a real n8n like Community Nodes does, import a DingTalk credential and
 * the demo flows, and start n8n. Without a real app configured (DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET,
 * optional DINGTALK_ROBOT_CODE) it serves a fake DingTalk on loopback and shows what n8n sends to it; without XPERT_API_KEY
 * (XPERT_BASE_URL, XPERT_ORGANIZATION_ID) a fake Xpert AI answers as the Digital Experts.
 * `--check`: run every demo flow once (manual flows with `n8n execute`; trigger flows in a started n8n, with a message
 * written to the bot), print the outcome as JSON, and exit.
 */
import { spawn } from 'child_process';
import * as path from 'path';

import { defaultFixture, FakeDingTalk } from '../test/fake-dingtalk';
import { FakeChatModel } from '../test/fake-openai';
import { FakeXpert } from '../test/fake-xpert';
// The harness's documented entry point (test/harness/index.ts): n8n install, CLI, server, waits.
import {
	activateWorkflow,
	ensureN8n,
	importCredentials,
	importWorkflows,
	installIntoUserFolder,
	N8nServer,
	n8nBin,
	n8nEnv,
	nodeBinDir,
	packPackage,
	scratchDir,
	DINGTALK_TRIGGER_TYPE,
	USER_FOLDER,
} from '../test/harness';
import { type DemoFlow, demoCredentials, importable, loadDemoFlows } from './demo';
import {
	approvalTriggeredFlows,
	type CheckOutcome,
	checkManualFlows,
	checkProblems,
	messageTriggeredFlows,
	registerDecisionTemplates,
	splitDemoFlows,
} from './demoCheck';

const check = process.argv.includes('--check');
const port = Number(process.env.N8N_PORT ?? 5678);

async function main() {
	ensureN8n();
	installIntoUserFolder(packPackage(scratchDir()), USER_FOLDER);

	const realApp = process.env.DINGTALK_CLIENT_ID && process.env.DINGTALK_CLIENT_SECRET;
	let fake: FakeDingTalk | undefined;
	let data: Record<string, string>;
	let httpData: Record<string, string>;
	if (realApp) {
		data = {
			clientId: process.env.DINGTALK_CLIENT_ID as string,
			clientSecret: process.env.DINGTALK_CLIENT_SECRET as string,
			robotCode: process.env.DINGTALK_ROBOT_CODE ?? '',
			language: process.env.DINGTALK_LANGUAGE === 'zh-CN' ? 'zh-CN' : 'en',
		};
		httpData = {
			...data,
			callbackToken: process.env.DINGTALK_CALLBACK_TOKEN ?? '',
			callbackAesKey: process.env.DINGTALK_CALLBACK_AES_KEY ?? '',
		};
	} else {
		const fixture = defaultFixture();
		fake = new FakeDingTalk(fixture);
		await fake.start(Number(process.env.FAKE_DINGTALK_PORT ?? 3999));
		data = fake.appConfig();
		httpData = fake.httpAppConfig();
		log(`fake DingTalk listening on ${fake.baseUrl} (no DINGTALK_CLIENT_ID set)`);
	}
	let xpert: FakeXpert | undefined;
	let xpertData: Record<string, string>;
	if (process.env.XPERT_API_KEY) {
		xpertData = {
			baseUrl: process.env.XPERT_BASE_URL ?? 'https://api.mtda.cloud/api/ai',
			apiKey: process.env.XPERT_API_KEY,
			organizationId: process.env.XPERT_ORGANIZATION_ID ?? '',
		};
	} else {
		xpert = new FakeXpert();
		await xpert.start(Number(process.env.FAKE_XPERT_PORT ?? 3997));
		xpertData = xpert.credentials();
		log(
			`fake Xpert AI listening on ${xpert.baseUrl} (no XPERT_API_KEY set); its experts: ${xpert.experts.map((e) => e.name).join(', ')}`,
		);
	}
	let model: FakeChatModel | undefined;
	let modelData: Record<string, string>;
	if (process.env.OPENAI_API_KEY) {
		modelData = {
			apiKey: process.env.OPENAI_API_KEY,
			url: process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
		};
	} else {
		model = new FakeChatModel();
		await model.start(Number(process.env.FAKE_OPENAI_PORT ?? 3996));
		modelData = model.credentials();
	}
	await importCredentials(
		demoCredentials({ dingTalk: data, dingTalkHttp: httpData, xpert: xpertData, model: modelData }),
	);
	const flows = loadDemoFlows();
	const { manual, triggered } = splitDemoFlows(flows);
	if (fake) registerDecisionTemplates(fake, flows);
	await importWorkflows(flows.map(importable));
	log(`imported ${flows.length} flow(s): ${flows.map((f) => f.name).join(', ')}`);

	if (check) {
		const outcomes: CheckOutcome[] = await checkManualFlows(manual);
		if (fake)
			outcomes.push(
				...(await checkTriggeredFlows(
					fake,
					triggered.filter((f) => f.nodes.some((n) => n.type === DINGTALK_TRIGGER_TYPE)),
				)),
			);
		await xpert?.stop();
		await model?.stop();
		const dingTalkRequests = fake?.requests.map((r) => `${r.method} ${r.path} → ${r.status}`);
		console.log(JSON.stringify({ outcomes, dingTalkRequests }, null, 2));
		await fake?.stop();
		const problems = checkProblems(outcomes, dingTalkRequests);
		for (const problem of problems) log(`check failed: ${problem}`);
		if (!problems.length) log(`check passed: ${outcomes.length} flow run(s), all answered`);
		process.exit(problems.length ? 1 : 0);
	}

	for (const flow of triggered) await activateWorkflow(flow.id);
	const n8n = spawn(path.join(nodeBinDir(), 'node'), [n8nBin(), 'start'], {
		env: n8nEnv({ N8N_PORT: String(port) }),
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	log(
		`starting n8n: open http://localhost:${port} (first visit asks you to create the owner account)`,
	);
	log(
		`then open a "DingTalk: …" flow and press "Execute workflow"; DingTalk calls are printed here`,
	);
	if (fake) {
		log(
			`write to the bot as a DingTalk user would (the Digital Expert answers): curl -s -d '{"text":"How do I reset my VPN password?"}' ${fake.baseUrl}/__fake/stream/messages`,
		);
		log(`then read the conversation: curl -s ${fake.baseUrl}/__fake/replies`);
		log(
			`in a group (@bot), the answer streams into an AI card: curl -s -d '{"text":"Summarise the travel policy","group":true}' ${fake.baseUrl}/__fake/stream/messages; curl -s ${fake.baseUrl}/__fake/cards`,
		);
		log(
			`over HTTP callbacks (encrypted and signed like DingTalk): curl -s -d '{"text":"hello","callbackUrl":"http://127.0.0.1:${port}/webhook/dingtalk-xpert-http/callback"}' ${fake.baseUrl}/__fake/http/messages`,
		);
		log(
			`submit a leave request as an employee would (the Approval assistant sends the approver a card): curl -s -d '{"processCode":"PROC-LEAVE-0001","originatorUserId":"eng0003","form":{"Leave Type":"Annual","Start":"2026-12-07","Days":2,"Reason":"Family visit"}}' ${fake.baseUrl}/__fake/approvals/submit`,
		);
		log(
			`then the approver clicks Approve on that card (its outTrackId from curl -s ${fake.baseUrl}/__fake/cards): curl -s -d '{"outTrackId":"decision-…","userId":"manager0001","button":"approve"}' ${fake.baseUrl}/__fake/cards/click`,
		);
		let shown = 0;
		setInterval(() => {
			for (const r of fake.requests.slice(shown))
				log(`DingTalk ← ${r.method} ${r.path} → ${r.status}`);
			shown = fake.requests.length;
		}, 500).unref();
	}
	const stop = () => n8n.kill('SIGTERM');
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	n8n.on('close', async (code) => {
		await fake?.stop();
		await xpert?.stop();
		await model?.stop();
		process.exit(code ?? 0);
	});
}

/**
 * Check mode for flows with a DingTalk Trigger: activate them, start n8n, write to each (or submit an approval for
 * the Approval assistant), stop n8n.
 */
async function checkTriggeredFlows(fake: FakeDingTalk, flows: DemoFlow[]) {
	for (const flow of flows) await activateWorkflow(flow.id);
	const server = new N8nServer();
	await server.start();
	try {
		const outcomes = [
			...(await messageTriggeredFlows(fake, flows, server)),
			...(await approvalTriggeredFlows(fake, flows, server)),
		];
		// A flow that did not answer: n8n's own words (activation, trigger and run errors) are the first clue.
		if (outcomes.some((o) => !o.ok))
			log(`n8n's output (last 6,000 characters):\n${server.logs.slice(-6000)}`);
		return outcomes;
	} finally {
		await server.stop();
	}
}

function log(message: string) {
	console.log(`[dingtalk-demo] ${message}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
