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

import {
	DingTalkCallbackPusher,
	defaultFixture,
	FakeDingTalk,
	robotMessage,
} from '../test/fake-dingtalk';
import { FakeChatModel } from '../test/fake-openai';
import { FakeXpert } from '../test/fake-xpert';
// The harness's documented entry point (test/harness/index.ts): n8n install, CLI, server, waits.
import {
	ensureN8n,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	installIntoUserFolder,
	N8nServer,
	n8nBin,
	n8nEnv,
	nodeBinDir,
	packPackage,
	runN8n,
	scratchDir,
	DINGTALK_TRIGGER_TYPE,
	USER_FOLDER,
	waitFor,
} from '../test/harness';
import { streamListeningLine } from '../nodes/DingTalk/trigger/streamMode';
import { type DemoFlow, demoCredentials, importable, loadDemoFlows } from './demo';

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
	// Flows started by hand can run with `n8n execute`; flows with a trigger are published so `n8n start` activates them.
	const manual = flows.filter((f) =>
		f.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger'),
	);
	// Published so `n8n start` activates them: every flow with a trigger other than the manual one (DingTalk Trigger,
	// the broadcast's schedule and recall webhook).
	// (A flow that is an alternative to another for the same chats says so with meta.publishInDemo = false.)
	const triggered = flows.filter(
		(f) =>
			f.meta?.publishInDemo !== false &&
			f.nodes.some(
				(n) => /trigger$|webhook$/i.test(n.type) && n.type !== 'n8n-nodes-base.manualTrigger',
			),
	);
	await importWorkflows(flows.map(importable));
	log(`imported ${flows.length} flow(s): ${flows.map((f) => f.name).join(', ')}`);

	if (check) {
		const outcomes: CheckOutcome[] = [];
		for (const flow of manual) {
			const result = await executeWorkflow(flow.id);
			outcomes.push({
				flow: flow.name,
				run: 'manual',
				ok: result.ok,
				error: result.errorMessage,
				nodes: Object.keys(result.runData),
			});
		}
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

	for (const flow of triggered) {
		const published = await runN8n(['publish:workflow', `--id=${flow.id}`]);
		if (published.code !== 0)
			throw new Error(`publishing ${flow.name} failed:\n${published.stdout}${published.stderr}`);
	}
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
 * Check mode for flows with a DingTalk Trigger: publish them, start n8n, write to each as a DingTalk user would
 * (a Stream frame from the fake gateway, or an encrypted callback to the flow's webhook), and wait for the reply.
 */
async function checkTriggeredFlows(fake: FakeDingTalk, flows: DemoFlow[]) {
	for (const flow of flows) {
		const published = await runN8n(['publish:workflow', `--id=${flow.id}`]);
		if (published.code !== 0)
			throw new Error(`publishing ${flow.name} failed:\n${published.stdout}${published.stderr}`);
	}
	const server = new N8nServer();
	await server.start();
	const outcomes: CheckOutcome[] = [];
	try {
		const user = fake.users.keys().next().value as string;
		for (const flow of flows) {
			const trigger = flow.nodes.find((n) => n.type === DINGTALK_TRIGGER_TYPE);
			const text = `check ${flow.id}`;
			const group = trigger?.parameters?.conversationTypes === 'group';
			const message = () =>
				robotMessage(fake, { text, senderStaffId: user, group, mention: group });
			let send: () => Promise<unknown>;
			if (trigger?.parameters?.mode === 'http') {
				const url = `${server.baseUrl}/webhook/${trigger.webhookId}/callback`;
				await waitFor(
					async () =>
						(await fetch(url)
							.then((r) => r.status)
							.catch(() => 0)) === 200,
				);
				send = async () =>
					await DingTalkCallbackPusher.send(
						url,
						new DingTalkCallbackPusher(fake.apps[0]).encrypted(message()),
					);
			} else {
				// n8n activates published workflows in the background after start-up: a message pushed before this
				// flow's trigger joined the app's connection reaches only the other flows, which drop it by their filters.
				const listening = await waitFor(
					() => server.logs.includes(streamListeningLine(flow.id)),
					60_000,
				).catch(() => false);
				if (!listening) {
					outcomes.push({
						flow: flow.name,
						run: 'message',
						ok: false,
						error: 'its DingTalk Trigger did not start listening within 60 s',
					});
					continue;
				}
				send = async () => fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message());
			}
			await send();
			// What the user sees: a reply in the chat, or an AI card with the answer typed in.
			const replies = () => [
				...fake.sentMessages
					.filter((m) => m.channel === 'session')
					.map((m) => JSON.stringify(m.body)),
				...[...fake.cards.values()]
					.filter((c) => c.finalized)
					.map((c) => JSON.stringify(c.fieldValues)),
			];
			const reply = await waitFor(() => replies().find((body) => body.includes(text))).catch(
				() => undefined,
			);
			outcomes.push({
				flow: flow.name,
				run: 'message',
				ok: reply !== undefined,
				reply,
				error: reply ? undefined : 'no reply within 30 s',
			});
		}
		// A flow that did not answer: n8n's own words (activation, trigger and run errors) are the first clue.
		if (outcomes.some((o) => !o.ok))
			log(`n8n's output (last 6,000 characters):\n${server.logs.slice(-6000)}`);
	} finally {
		await server.stop();
	}
	return outcomes;
}

/**
 * What `--check` requires (CI runs it on a fresh clone before `npm test`): every flow ran, and against the fakes the
 * broadcast reached DingTalk and each Digital Expert flow answered a message written to the bot with the expert's words.
 */
interface CheckOutcome {
	flow: string;
	/** `manual`: the flow's manual test branch with `n8n execute`; `message`: a message written to the bot. */
	run: 'manual' | 'message';
	ok: boolean;
	error?: string;
	nodes?: string[];
	reply?: string;
}

function checkProblems(outcomes: CheckOutcome[], dingTalkRequests?: string[]): string[] {
	const problems = outcomes.filter((o) => !o.ok).map((o) => `${o.flow}: ${o.error ?? 'failed'}`);
	if (!outcomes.length) problems.push('no flow ran');
	if (dingTalkRequests) {
		if (!dingTalkRequests.includes('POST /v1.0/robot/oToMessages/batchSend → 200'))
			problems.push('the broadcast flow sent nothing to DingTalk');
		const experts = outcomes.filter(
			(o) => o.run === 'message' && o.flow.startsWith('DingTalk ↔ Digital Expert'),
		);
		if (experts.length !== 3)
			problems.push(`expected the 3 Digital Expert flows to be checked, got ${experts.length}`);
		for (const o of experts)
			if (!o.reply?.includes('IT Helpdesk'))
				problems.push(`${o.flow}: the answer is not the expert's`);
	}
	return problems;
}

function log(message: string) {
	console.log(`[dingtalk-demo] ${message}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
