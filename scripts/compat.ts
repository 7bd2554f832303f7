/**
 * `npm run test:compat -- <n8n version>` (scripts/compat.sh sets N8N_VERSION and a work folder per version): the
 * package packed and installed into a fresh user folder as Community Nodes does, on the n8n of that version (cached
 * under .cache/n8n-<version>), then a short end-to-end set on it:
 * - every node and credential package.json declares loads, with no load error in n8n's log;
 * - each prebuilt flow imports and its manual branch runs once, and each flow with a DingTalk Trigger answers a
 *   message written to the bot (the checks of `npm start -- --check`);
 * - HTTP mode answers a signed callback and refuses a forged one without a run;
 * - Send and Wait for Response waits, and a signed link from its card resumes it once.
 * Prints one JSON object and exits 1 if a check failed.
 */
import { rmSync } from 'fs';

import { DingTalkCallbackPusher, defaultFixture, FakeDingTalk } from '../test/fake-dingtalk';
import { FakeChatModel } from '../test/fake-openai';
import { FakeXpert } from '../test/fake-xpert';
import {
	activateWorkflow,
	DINGTALK_TRIGGER_TYPE,
	declaredTypes,
	dingTalkNodeFactory,
	ensureN8n,
	importCredentials,
	importWorkflows,
	installLikeCommunityNodes,
	loadErrors,
	N8N_VERSION,
	n8nMajorVersion,
	N8nServer,
	nodeBinDir,
	openLink,
	packPackage,
	PACKAGE_PREFIX,
	scratchDir,
	sendAndWaitCards,
	sendAndWaitFlow,
	sendAndWaitReports,
	USER_FOLDER,
	waitFor,
} from '../test/harness';
import { type DemoFlow, demoCredentials, importable, loadDemoFlows } from './demo';
import { checkManualFlows, messageTriggeredFlows, splitDemoFlows } from './demoCheck';

interface Check {
	name: string;
	/** `unsupported`: a feature this n8n version does not offer (named in the detail and in the README). */
	status: 'passed' | 'failed' | 'unsupported';
	detail?: unknown;
}

const checks: Check[] = [];
const startedAt = Date.now();

/** Runs one check; a throw is its failure, and the next check still runs. */
async function check(name: string, body: () => Promise<unknown> | unknown): Promise<void> {
	try {
		const detail = await body();
		checks.push({ name, status: 'passed', ...(detail === undefined ? {} : { detail }) });
	} catch (error) {
		checks.push({ name, status: 'failed', detail: (error as Error).message.slice(0, 2000) });
	}
}

function expectThat(condition: boolean, message: string): void {
	if (!condition) throw new Error(message);
}

/** n8n builds a human review node (`<type>HitlTool`) for every node with Send and Wait from 2.x on; 1.x has none. */
const humanReviewOffered = n8nMajorVersion() >= 2;
const REVIEW_TYPE = `${PACKAGE_PREFIX}.dingTalkHitlTool`;

type Connection = { node: string; type: string; index: number };
type Connections = Record<string, Record<string, Connection[][]>>;

/** n8n 1.123's AI Agent goes up to version 3; the prebuilt flow's 3.1 is n8n 2.x's. */
const N8N1_AGENT_VERSION = 3;

/**
 * The AI Agent flow as it can run on n8n 1.x: without its human review nodes (each reviewed tool connected straight
 * to where its review node led), and its AI Agents at the version 1.x has.
 */
function forN8n1(flow: DemoFlow): DemoFlow {
	const nodes = flow.nodes as Array<DemoFlow['nodes'][number] & { name: string }>;
	const original = (flow as unknown as { connections: Connections }).connections;
	const review = new Set(nodes.filter((n) => n.type.endsWith('HitlTool')).map((n) => n.name));
	const connections: Connections = {};
	for (const [source, outputs] of Object.entries(original)) {
		if (review.has(source)) continue;
		connections[source] = Object.fromEntries(
			Object.entries(outputs).map(([type, lists]) => [
				type,
				lists.map((list) =>
					list.flatMap((c) => (review.has(c.node) ? (original[c.node]?.[type]?.[0] ?? []) : [c])),
				),
			]),
		);
	}
	return {
		...flow,
		id: `${flow.id.slice(0, 12)}NoRv`,
		name: `${flow.name} (as on n8n 1.x: no human review node, AI Agent ${N8N1_AGENT_VERSION})`,
		nodes: nodes
			.filter((n) => !review.has(n.name))
			.map((n) =>
				n.type === '@n8n/n8n-nodes-langchain.agent' ? { ...n, typeVersion: N8N1_AGENT_VERSION } : n,
			),
		connections,
	} as DemoFlow;
}

const SW_HOOK = 'dingtalk-compat-send-and-wait';
const SW_TAG = 'COMPAT-SW';

async function main() {
	if (!process.env.N8N_VERSION) throw new Error('run it as npm run test:compat -- <n8n version>');
	ensureN8n();
	// A fresh user folder: n8n's database, the installed package and the imported flows are this run's alone.
	rmSync(USER_FOLDER, { recursive: true, force: true });
	await check('the packed package installs into .n8n/nodes as Community Nodes does', () => {
		installLikeCommunityNodes(packPackage(scratchDir()), USER_FOLDER);
	});

	const fixture = defaultFixture();
	const fake = new FakeDingTalk(fixture);
	const xpert = new FakeXpert();
	const model = new FakeChatModel();
	await fake.start();
	await xpert.start();
	await model.start();
	const server = new N8nServer();
	try {
		await importCredentials(
			demoCredentials({
				dingTalk: fake.appConfig(),
				dingTalkHttp: fake.httpAppConfig(),
				xpert: xpert.credentials(),
				model: model.credentials(),
			}),
		);
		const flows = loadDemoFlows();
		const { manual, triggered } = splitDemoFlows(flows);
		const reviewed = (f: DemoFlow) => f.nodes.some((n) => n.type === REVIEW_TYPE);
		const manualRuns = humanReviewOffered
			? manual
			: manual.map((f) => (reviewed(f) ? forN8n1(f) : f));
		if (!humanReviewOffered)
			checks.push({
				name: 'human review for AI tools',
				status: 'unsupported',
				detail: `n8n ${N8N_VERSION} builds no human review nodes for AI tools (n8n 2.x does): ${flows
					.filter(reviewed)
					.map((f) => f.file)
					.join(
						', ',
					)} ran without its review node, its AI Agents at version ${N8N1_AGENT_VERSION} (n8n 1.x has no 3.1)`,
			});
		const dingTalkFlows = triggered.filter((f) =>
			f.nodes.some((n) => n.type === DINGTALK_TRIGGER_TYPE),
		);
		const swFlow = sendAndWaitFlow({
			id: 'compatSendWait01',
			hook: SW_HOOK,
			tag: SW_TAG,
			parameters: { sendTo: 'users', userIds: fixture.users[0].userid },
			dingTalk: dingTalkNodeFactory(
				{ dingTalkStreamApi: { id: 'dingtalkDemoCred', name: 'DingTalk account' } },
				{ authentication: 'streamApi' },
			),
			reportTo: fixture.conversations[0].openConversationId,
		});

		await check(`each of the ${flows.length} prebuilt flows imports`, async () => {
			const variants = manualRuns.filter((f) => !flows.includes(f));
			await importWorkflows([...[...flows, ...variants].map(importable), swFlow]);
			return flows.map((f) => f.file);
		});
		for (const outcome of await checkManualFlows(manualRuns))
			checks.push({
				name: `manual run: ${outcome.flow}`,
				status: outcome.ok ? 'passed' : 'failed',
				detail: outcome.ok ? { nodes: outcome.nodes } : outcome.error,
			});

		for (const flow of [...dingTalkFlows, swFlow]) await activateWorkflow(flow.id);
		await server.start();
		await server.setupOwner();

		const declared = declaredTypes();
		await check('every node and credential package.json declares loads', async () => {
			const nodes = await server.getJson<Array<{ name: string }>>('/types/nodes.json');
			const credentials = await server.getJson<Array<{ name: string }>>('/types/credentials.json');
			expectThat(nodes.status === 200 && credentials.status === 200, 'types not served');
			const nodeNames = new Set(nodes.data.map((t) => t.name));
			const credentialNames = new Set(credentials.data.map((c) => c.name));
			const missing = [
				...declared.nodes.map((n) => n.type).filter((t) => !nodeNames.has(t)),
				...declared.credentials.filter((c) => !credentialNames.has(c)),
			];
			expectThat(!missing.length, `not loaded: ${missing.join(', ')}`);
			const errors = loadErrors(server.logs);
			expectThat(!errors.length, `load errors in n8n's log: ${errors.join(' | ')}`);
			// The variants n8n derives from them (AI tool, human review for AI tools), where this version makes them.
			const variants = [...nodeNames].filter(
				(name) =>
					name.startsWith(`${PACKAGE_PREFIX}.`) && !declared.nodes.some((n) => n.type === name),
			);
			return {
				nodes: declared.nodes.map((n) => n.type),
				credentials: declared.credentials,
				variants,
			};
		});
		await check(
			`n8n ${humanReviewOffered ? 'offers' : 'does not offer'} the DingTalk node for human review of AI tools (${REVIEW_TYPE})`,
			async () => {
				const { data } = await server.getJson<Array<{ name: string }>>('/types/nodes.json');
				const offered = data.some((t) => t.name === REVIEW_TYPE);
				expectThat(
					offered === humanReviewOffered,
					`n8n ${N8N_VERSION} ${offered ? 'offers' : 'does not offer'} it: correct humanReviewOffered in scripts/compat.ts and the README`,
				);
			},
		);

		for (const outcome of await messageTriggeredFlows(fake, dingTalkFlows, server)) {
			// The Digital Expert flows answer in the expert's words (as `npm start -- --check` requires).
			const ok =
				outcome.ok &&
				(!outcome.flow.startsWith('DingTalk ↔ Digital Expert') ||
					/IT Helpdesk/.test(outcome.reply ?? ''));
			checks.push({
				name: `message answered: ${outcome.flow}`,
				status: ok ? 'passed' : 'failed',
				detail: outcome.ok ? outcome.reply?.slice(0, 300) : outcome.error,
			});
		}

		const httpFlow = dingTalkFlows.find((f) =>
			f.nodes.some((n) => n.type === DINGTALK_TRIGGER_TYPE && n.parameters?.mode === 'http'),
		);
		await check(
			'HTTP mode: a signed callback is answered, a forged one refused with no run',
			async () => {
				expectThat(httpFlow !== undefined, 'no prebuilt flow in HTTP mode');
				const trigger = httpFlow?.nodes.find((n) => n.type === DINGTALK_TRIGGER_TYPE);
				const url = `${server.baseUrl}/webhook/${trigger?.webhookId}/callback`;
				const pusher = new DingTalkCallbackPusher(fake.apps[0]);
				const check = await DingTalkCallbackPusher.send(
					url,
					pusher.encrypted({ EventType: 'check_url' }),
				);
				expectThat(
					check.status === 200 && pusher.readAnswer(check.json) === 'success',
					`check_url answered ${check.status} ${check.text.slice(0, 200)}`,
				);
				const before = await server.executionCount(httpFlow?.id as string);
				const forged = pusher.encrypted({ EventType: 'check_url' });
				forged.query.msg_signature = forged.query.msg_signature.replace(/^./, (c) =>
					c === '0' ? '1' : '0',
				);
				const refused = await DingTalkCallbackPusher.send(url, forged);
				expectThat(
					refused.status >= 400 && refused.status < 500,
					`a forged signature got ${refused.status}`,
				);
				expectThat(
					(await server.executionCount(httpFlow?.id as string)) === before,
					'the forged callback started a run',
				);
				return { signed: check.status, forged: refused.status };
			},
		);

		await check(
			'Send and Wait for Response: waits, and a signed link resumes it once',
			async () => {
				await waitFor(
					async () =>
						(await fetch(`${server.baseUrl}/webhook/${SW_HOOK}?ticket=7`)
							.then((r) => r.status)
							.catch(() => 0)) === 200,
					60_000,
				);
				const waiting = await waitFor(async () =>
					(await server.executions(swFlow.id)).find((e) => e.status === 'waiting'),
				);
				const [card] = await waitFor(() => {
					const sent = sendAndWaitCards(fake.sentMessages);
					return sent.length ? sent : undefined;
				});
				const approve = card.param.singleURL ?? card.param.buttonUrl2;
				expectThat(Boolean(approve), `no link on the card: ${JSON.stringify(card.param)}`);
				const forged = new URL(approve);
				forged.searchParams.set('user', 'someone-else');
				const refused = await openLink(forged.toString(), server.baseUrl);
				expectThat(refused.status === 401, `a link for another user got ${refused.status}`);
				const answered = await openLink(approve, server.baseUrl);
				expectThat(
					answered.status === 200,
					`the signed link got ${answered.status}: ${answered.text.slice(0, 200)}`,
				);
				const [report] = await waitFor(() => {
					const found = sendAndWaitReports(fake.sentMessages, SW_TAG);
					return found.length ? found : undefined;
				});
				const data = report.data as { approved?: boolean } | null;
				const respondent = report.respondent as { userId?: string } | null;
				expectThat(
					data?.approved === true && respondent?.userId === fixture.users[0].userid,
					`resumed with ${JSON.stringify(report)}`,
				);
				await waitFor(async () =>
					(await server.executions(swFlow.id)).every((e) => e.status === 'success'),
				);
				await openLink(approve, server.baseUrl);
				const runs = await server.executions(swFlow.id);
				expectThat(
					runs.length === 1 && sendAndWaitReports(fake.sentMessages, SW_TAG).length === 1,
					`a second click ran again: ${runs.length} run(s)`,
				);
				return { execution: waiting.id, report };
			},
		);
	} catch (error) {
		checks.push({
			name: 'the run itself',
			status: 'failed',
			detail: (error as Error).message.slice(0, 2000),
		});
	} finally {
		await server.stop();
		await Promise.all([fake.stop(), xpert.stop(), model.stop()]);
	}

	const failed = checks.filter((c) => c.status === 'failed');
	if (failed.length)
		console.error(`n8n's output (last 6,000 characters):\n${server.logs.slice(-6000)}`);
	console.log(
		JSON.stringify(
			{
				n8nVersion: N8N_VERSION,
				nodeVersion: nodeBinDir().match(/node-([\d.]+)/)?.[1],
				date: new Date().toISOString(),
				seconds: Math.round((Date.now() - startedAt) / 1000),
				passed: checks.filter((c) => c.status === 'passed').length,
				failed: failed.length,
				unsupported: checks.filter((c) => c.status === 'unsupported').map((c) => c.name),
				checks,
			},
			null,
			2,
		),
	);
	process.exit(failed.length ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
