import { readFileSync } from 'fs';
import * as path from 'path';

import {
	DECISION_TEMPLATE_ID,
	DingTalkCallbackPusher,
	defaultFixture,
	FakeDingTalk,
	robotMessage as fakeRobotMessage,
	type SentMessage,
} from '../fake-dingtalk';
import { FakeChatModel } from '../fake-openai';
import { FakeXpert, REVIEW_POLICIES } from '../fake-xpert';
import { McpClient } from './mcpClient';
import {
	executeWorkflow,
	importCredentials,
	importWorkflows,
	outputOf,
	runN8n,
} from '../harness/n8n';
import { waitFor } from '../harness/helpers';
import { PACKAGE_PREFIX, PROJECT_ROOT } from '../harness/paths';
import { N8nServer } from '../harness/server';
import { flow, link, manualTriggerNode, triggerNode } from '../harness/workflows';

/**
 * The prebuilt Digital Expert flows, imported from workflows/ as they ship, in a real n8n against the fake
 * DingTalk and the fake Xpert AI: manual test branches from the CLI, then whole conversations through the
 * published triggers; plus the Xpert AI node's errors and credential test.
 */
const fixture = defaultFixture();
const app = fixture.apps[0];
/** A second app, with its own Stream connection, for the Max Concurrent Runs case: the shipped flows never see it. */
const limitedApp = {
	clientId: 'dinglimitedapp001',
	clientSecret: 'limited-app-secret-0001-abcdef',
	robotCode: 'dinglimitedapp001',
};
fixture.apps.push(limitedApp);
const [group] = fixture.conversations;
const users = fixture.users.map((u) => u.userid);
const fake = new FakeDingTalk(fixture);
const xpert = new FakeXpert();
const model = new FakeChatModel();
const pusher = new DingTalkCallbackPusher(app);
const server = new N8nServer();

const load = (file: string) =>
	JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'workflows', file), 'utf8')) as {
		id: string;
		name: string;
	};
const streamFlow = load('xpert-dingtalk-stream.json');
const cardFlow = load('xpert-dingtalk-ai-card.json');
const httpFlow = load('xpert-dingtalk-http.json');
const broadcastFlow = load('dingtalk-broadcast.json');
const mcpFlow = load('dingtalk-mcp-tools.json');
const agentFlow = load('dingtalk-ai-agent.json');
const approvalFlow = load('dingtalk-approval-assistant.json') as {
	id: string;
	name: string;
	nodes: Array<{ name: string; parameters: Record<string, unknown> }>;
};
/**
 * The AI Agent flow as shipped, but listening to one conversation only: published next to the Digital Expert flow,
 * the shipped one would answer every direct chat a second time (the demo leaves it unpublished for that reason).
 */
const AGENT_CHAT = 'cidAgentChat==';
const agentFlowOnOneChat = (() => {
	const copy = JSON.parse(JSON.stringify(agentFlow)) as {
		id: string;
		name: string;
		nodes: Array<{ name: string; parameters: Record<string, unknown> }>;
	};
	copy.id = 'dtAgentToolsE2E1';
	copy.name = `${copy.name} (e2e)`;
	const trigger = copy.nodes.find((n) => n.name === 'DingTalk Trigger') as {
		parameters: Record<string, unknown>;
	};
	trigger.parameters.options = { allowedConversationIds: AGENT_CHAT };
	return copy;
})();
/** A Stream trigger limited to two runs at once, on its own conversation, asking the expert (runs/wait). */
const LIMITED_CHAT = 'cidLimitedChat==';
const limitedFlow = flow(
	'dtMaxRunsE2E0001',
	[
		triggerNode({
			parameters: {
				events: ['message'],
				options: { allowedConversationIds: LIMITED_CHAT, maxConcurrentRuns: 2 },
			},
			credentials: {
				dingTalkStreamApi: { id: 'dingtalkLimitedCred', name: 'DingTalk limited app' },
			},
		}),
		{
			...xpertNodeFor('Ask', {
				resource: 'expert',
				operation: 'ask',
				expert: { __rl: true, mode: 'id', value: 'xpert-helpdesk-0001' },
				message: '={{ $json.text }}',
				sessionKey: '={{ $json.sessionId }}',
				options: {},
			}),
		},
	],
	{ 'DingTalk Trigger': { main: [[link('Ask')]] } },
);
const helpdesk = () => xpert.experts[0];
/** Card updates per second per app that the fake DingTalk allows in the burst case (and the credential's rate). */
const BURST_RATE = 5;
let broadcastKeys: { userKeys: string[]; groupKeys: string[]; openConversationId: string } = {
	userKeys: [],
	groupKeys: [],
	openConversationId: '',
};

function xpertNodeFor(name: string, parameters: Record<string, unknown>) {
	return {
		id: name.replace(/\W/g, ''),
		name,
		type: `${PACKAGE_PREFIX}.xpertAi`,
		typeVersion: 1,
		position: [300, 0],
		parameters,
		credentials: { xpertAiApi: { id: 'xpertDemoCred', name: 'xpertDemoCred' } },
	};
}
const xpertNode = (
	name: string,
	parameters: Record<string, unknown>,
	credentialId = 'xpertDemoCred',
) => ({
	id: name.replace(/\W/g, ''),
	name,
	type: `${PACKAGE_PREFIX}.xpertAi`,
	typeVersion: 1,
	position: [300, 0],
	parameters,
	credentials: { xpertAiApi: { id: credentialId, name: credentialId } },
});
const manualFlow = (id: string, node: { name: string }) =>
	flow(id, [manualTriggerNode(), node], { Start: { main: [[link(node.name)]] } });
const expertRl = (value: string) => ({ __rl: true, mode: 'id', value });
const askNode = (expert: string, credentialId?: string, options: Record<string, unknown> = {}) =>
	xpertNode(
		'Ask',
		{
			resource: 'expert',
			operation: 'ask',
			expert: expertRl(expert),
			message: 'hello',
			sessionKey: 'errors',
			options,
		},
		credentialId,
	);
const wrongKeyFlow = manualFlow(
	'xpWrongKeyFlow01',
	askNode('xpert-helpdesk-0001', 'xpertWrongKey001'),
);
const unknownExpertFlow = manualFlow('xpUnknownExpert1', askNode('xpert-no-such-expert'));
const timeoutFlow = manualFlow(
	'xpTimeoutFlow001',
	askNode('xpert-helpdesk-0001', undefined, { timeout: 1 }),
);
const listFlow = manualFlow(
	'xpListFlow000001',
	xpertNode('List', { resource: 'expert', operation: 'getAll', returnAll: true }),
);

const robotMessage = (opts: { text: string; sender: string; group?: boolean; mention?: boolean }) =>
	fakeRobotMessage(fake, { ...opts, senderStaffId: opts.sender });
const replies = () =>
	fake.sentMessages
		.filter((m) => m.channel === 'session')
		.map((m) => (m.body as { markdown?: { text: string } }).markdown?.text ?? '');
const answerTo = (text: string, turn: number) => FakeXpert.answer(helpdesk(), text, turn);
/** The first AI card sent after `since` that @mentions `sender` (Send AI Card mentions the asker). */
const firstCardFor = (sender: string, since: number) => {
	const sent = fake
		.requestsTo('/v1.0/card/instances/createAndDeliver')
		.find(
			(r) =>
				r.at >= since &&
				r.status === 200 &&
				Object.keys(
					(r.body as { imGroupOpenDeliverModel?: { atUserIds?: object } }).imGroupOpenDeliverModel
						?.atUserIds ?? {},
				).includes(sender),
		);
	return sent && fake.cards.get((sent.body as { outTrackId: string }).outTrackId);
};
/** How many runs of a workflow have the given status (n8n's REST API). */
const executionsOf = async (workflowId: string, status: string) => {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: [status] }));
	const { data } = await server.rest<{ count: number; results: Array<{ id: string }> }>(
		'GET',
		`/executions?filter=${filter}`,
	);
	if (typeof data?.count !== 'number')
		throw new Error(`n8n's executions list: ${JSON.stringify(data)}`);
	return data.count;
};

beforeAll(async () => {
	// The Approval assistant names the decision card template a builder made in DingTalk: the fake knows it as its own.
	const cardTemplateId = String(
		approvalFlow.nodes.find((n) => n.parameters.operation === 'sendDecisionCard')?.parameters
			.cardTemplateId,
	);
	fake.cardTemplates.set(
		cardTemplateId,
		fake.cardTemplates.get(DECISION_TEMPLATE_ID) as NonNullable<
			ReturnType<typeof fake.cardTemplates.get>
		>,
	);
	await fake.start();
	await xpert.start();
	await model.start();
	await importCredentials([
		{
			id: 'dingtalkDemoCred',
			name: 'DingTalk account',
			type: 'dingTalkStreamApi',
			// The card update budget at the rate the burst case limits the fake to (a credential setting, read by n8n).
			data: { ...fake.appConfig(), cardUpdateRate: BURST_RATE },
		},
		{
			id: 'dingtalkLimitedCred',
			name: 'DingTalk limited app',
			type: 'dingTalkStreamApi',
			data: fake.appConfig(limitedApp),
		},
		{
			id: 'dingtalkDemoHttpCred',
			name: 'DingTalk account (HTTP)',
			type: 'dingTalkHttpApi',
			data: fake.httpAppConfig(),
		},
		{
			id: 'xpertDemoCred',
			name: 'Xpert AI account',
			type: 'xpertAiApi',
			data: xpert.credentials(),
		},
		{
			id: 'openAiDemoCred',
			name: 'OpenAI-compatible model',
			type: 'openAiApi',
			data: model.credentials(),
		},
		{
			id: 'xpertWrongKey001',
			name: 'Xpert AI wrong key',
			type: 'xpertAiApi',
			data: { ...xpert.credentials(), apiKey: 'sk-x-wrong' },
		},
	]);
	await importWorkflows([
		streamFlow,
		cardFlow,
		httpFlow,
		broadcastFlow,
		mcpFlow,
		agentFlow,
		agentFlowOnOneChat,
		limitedFlow,
		approvalFlow,
		wrongKeyFlow,
		unknownExpertFlow,
		timeoutFlow,
		listFlow,
	]);
});

afterAll(async () => {
	await server.stop();
	await fake.stop();
	await xpert.stop();
	await model.stop();
	for (const secret of [app.clientSecret, xpert.apiKey]) expect(server.logs).not.toContain(secret);
});

describe('from the CLI (n8n execute)', () => {
	it.each([streamFlow, cardFlow, httpFlow].map((f) => [f.name, f] as const))(
		'%s: the manual test branch asks the expert',
		async (_name, flow) => {
			const result = await executeWorkflow(flow.id);
			expect(result.errorMessage).toBeUndefined();
			const [answer] = outputOf(result, 'Ask Expert (Test)');
			expect(String(answer.answer)).toContain('**IT Helpdesk**: you asked');
			expect(answer).toMatchObject({ expertId: 'xpert-helpdesk-0001' });
			expect(answer.threadId).toMatch(/^[0-9a-f-]{36}$/);
		},
	);

	it("Broadcast: the manual branch notifies a department's users and a group, and outputs the keys to recall", async () => {
		const result = await executeWorkflow(broadcastFlow.id);
		expect(result.errorMessage).toBeUndefined();
		const [keys] = outputOf(result, 'Keys to Recall');
		broadcastKeys = keys as typeof broadcastKeys;
		expect(broadcastKeys.userKeys.length).toBeGreaterThan(0);
		expect(broadcastKeys.groupKeys).toHaveLength(1);
		expect(broadcastKeys.openConversationId).toBe('cidFakeGroup002==');
		const sent = fake.sentMessages.filter(
			(m) =>
				broadcastKeys.userKeys.includes(m.processQueryKey as string) ||
				broadcastKeys.groupKeys.includes(m.processQueryKey as string),
		);
		expect(sent.map((m) => m.channel).sort()).toEqual(
			[...broadcastKeys.userKeys.map(() => 'oto'), 'group'].sort(),
		);
		// Every user of department 1 and its sub-departments got it (all twelve).
		expect(
			sent
				.filter((m) => m.channel === 'oto')
				.flatMap((m) => m.userIds ?? [])
				.sort(),
		).toEqual([...users].sort());
	});

	it('MCP tools: the manual branch checks the DingTalk credential by listing users', async () => {
		const result = await executeWorkflow(mcpFlow.id);
		expect(result.errorMessage).toBeUndefined();
		expect(outputOf(result, 'Check: List Users')).toHaveLength(5);
	});

	it('AI Agent: the model calls the DingTalk node as a tool (list users) and answers with what DingTalk returned', async () => {
		const result = await executeWorkflow(agentFlow.id);
		expect(result.errorMessage).toBeUndefined();
		const [answer] = outputOf(result, 'AI Agent (Test)');
		expect(String(answer.output)).toContain('Here is what DingTalk says');
		for (const user of ['eng0003', 'eng0004']) expect(String(answer.output)).toContain(user);
		const completions = model.requests.filter((r) => r.path === '/v1/chat/completions');
		expect(completions.length).toBeGreaterThanOrEqual(2);
		const offered = ((completions[0].body.tools as Array<{ function: { name: string } }>) ?? [])
			.map((t) => t.function.name)
			.sort();
		expect(offered).toEqual(['dingtalk_list_users', 'dingtalk_send_text_notification']);
		expect(
			fake.requests.some(
				(r) =>
					r.path === '/topapi/user/listsimple' && JSON.stringify(r.body).includes('"dept_id":4'),
			),
		).toBe(true);
	});

	it('Digital Expert → List returns the experts the key can see', async () => {
		const result = await executeWorkflow(listFlow.id);
		expect(outputOf(result, 'List').map((e) => e.name)).toEqual(['IT Helpdesk', 'HR Assistant']);
	});

	it('a wrong API key, an unknown expert and a timeout each fail with an error that says what to fix', async () => {
		const wrongKey = await executeWorkflow(wrongKeyFlow.id);
		expect(wrongKey.errorMessage).toBe('Xpert AI refused the API key');
		expect(JSON.stringify(wrongKey.error)).toContain('Check API Key');
		const unknown = await executeWorkflow(unknownExpertFlow.id);
		expect(unknown.errorMessage).toBe('Digital Expert not found');
		xpert.injectFault({ path: '/runs/wait$', delayMs: 3000 });
		const slow = await executeWorkflow(timeoutFlow.id);
		expect(slow.errorMessage).toBe('Xpert AI did not answer within 1 s');
		expect(JSON.stringify([wrongKey.raw.stdout, unknown.raw.stdout])).not.toContain('sk-x-wrong');
	});
});

describe('conversations through the published flows (n8n start)', () => {
	beforeAll(async () => {
		for (const flow of [
			streamFlow,
			cardFlow,
			httpFlow,
			broadcastFlow,
			mcpFlow,
			agentFlowOnOneChat,
			limitedFlow,
			approvalFlow,
		]) {
			const published = await runN8n(['publish:workflow', `--id=${flow.id}`]);
			if (published.code !== 0) throw new Error(published.stdout + published.stderr);
		}
		await server.start();
		await server.setupOwner();
		await waitFor(() => fake.gateway.liveConnections(app.clientId).length === 1, 60_000);
		await waitFor(() => fake.gateway.liveConnections(limitedApp.clientId).length === 1, 60_000);
		await waitFor(
			async () =>
				(await fetch(`${server.baseUrl}/webhook/dingtalk-xpert-http/callback`)
					.then((r) => r.status)
					.catch(() => 0)) === 200,
			60_000,
		);
		// Both Stream flows share the connection, and n8n activates them one by one: write to the group until the card
		// flow answers, then to a direct chat until the Markdown flow does.
		let asked = 0;
		await waitFor(() => {
			if ([...fake.cards.values()].some((c) => c.finalized)) return true;
			if (Date.now() - asked > 2000) {
				asked = Date.now();
				fake.gateway.pushCallback(
					'/v1.0/im/bot/messages/get',
					robotMessage({ text: 'warm up', sender: users[9], group: true, mention: true }),
				);
			}
			return false;
		}, 60_000);
		asked = 0;
		await waitFor(() => {
			if (replies().some((r) => r.includes('warm up direct'))) return true;
			if (Date.now() - asked > 2000) {
				asked = Date.now();
				fake.gateway.pushCallback(
					'/v1.0/im/bot/messages/get',
					robotMessage({ text: 'warm up direct', sender: users[9] }),
				);
			}
			return false;
		}, 60_000);
	});

	it('Credential Test: lists the Digital Experts the key can see, or says the key was refused', async () => {
		const test = async (data: Record<string, unknown>) =>
			(
				await server.rest<{ status: string; message: string }>('POST', '/credentials/test', {
					credentials: { id: 'xpertDemoCred', name: 'x', type: 'xpertAiApi', data },
				})
			).data;
		expect(await test(xpert.credentials())).toEqual({
			status: 'OK',
			message: 'Connection successful: 2 Digital Expert(s) visible: IT Helpdesk, HR Assistant',
		});
		expect(await test({ ...xpert.credentials(), apiKey: 'sk-x-wrong' })).toEqual({
			status: 'Error',
			message: 'Xpert AI refused the API key: check API Key (and Organization ID)',
		});
		expect(await test({ ...xpert.credentials(), baseUrl: `${xpert.baseUrl}/api` })).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('/api/ai'),
		});
	});

	it('a direct chat keeps one Xpert thread per session; "end session" deletes it and the next message starts over', async () => {
		const user = users[0];
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			robotMessage({ text: 'How do I reset my VPN password?', sender: user }),
		);
		await waitFor(() => replies().includes(answerTo('How do I reset my VPN password?', 1)));
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			robotMessage({ text: 'And on my phone?', sender: user }),
		);
		await waitFor(() => replies().includes(answerTo('And on my phone?', 2)));
		const runs = xpert.requests.filter((r) => /runs\/wait$/.test(r.path) && r.status === 200);
		const threadOf = (r: { path: string }) => r.path.split('/')[2];
		expect(new Set(runs.slice(-2).map(threadOf)).size).toBe(1);
		const threadId = threadOf(runs[runs.length - 1]);
		expect(xpert.threads.has(threadId)).toBe(true);

		const value = JSON.stringify({
			cardPrivateData: { actionIds: ['end_session'], params: { action: 'end_session' } },
		});
		fake.gateway.pushCallback('/v1.0/card/instances/callback', {
			userId: user,
			outTrackId: 'card-end-1',
			spaceId: `cidDirect${user}==`,
			spaceType: 'im',
			type: 'actionCallback',
			corpId: 'dingfakecorp0001',
			userIdType: 1,
			content: value,
			value,
		});
		await waitFor(() => !xpert.threads.has(threadId));
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			robotMessage({ text: 'Hello again', sender: user }),
		);
		await waitFor(() => replies().includes(answerTo('Hello again', 1)));
	});

	it('React While Running: the expert flow puts 🤔Thinking on the message before its answer and takes it back after the run', async () => {
		const message = robotMessage({ text: 'Is anyone there?', sender: users[5] });
		const msgId = String(message.msgId);
		fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message);
		const answer = answerTo('Is anyone there?', 1);
		const reply = await waitFor(() =>
			fake.sentMessages.find(
				(m) =>
					m.channel === 'session' &&
					(m.body as { markdown?: { text: string } }).markdown?.text === answer,
			),
		);
		const onMessage = () => fake.reactions.filter((r) => r.openMsgId === msgId);
		await waitFor(() => onMessage().some((r) => r.action === 'removed'), 10_000).catch(() => {});
		expect(onMessage().map((r) => r.action)).toEqual(['added', 'removed']);
		const [added, removed] = onMessage();
		expect(added).toMatchObject({
			openConversationId: message.conversationId,
			text: '🤔Thinking',
			emotionId: '2659900',
			backgroundId: 'im_bg_1',
		});
		expect(added.at).toBeLessThanOrEqual(reply.at);
		expect(removed.at).toBeGreaterThanOrEqual(reply.at);
		expect(fake.reactionsOn(msgId)).toEqual([]);
		// The figure for the closing note: how long the user saw the reaction (added → removed), through n8n.
		console.log(`React While Running round trip: ${removed.at - added.at} ms`);
	});

	it('in a group, an @mention gets an AI card the answer types itself into, then the card is finished', async () => {
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			robotMessage({
				text: 'Summarise the travel policy',
				sender: users[1],
				group: true,
				mention: true,
			}),
		);
		const card = await waitFor(() =>
			[...fake.cards.values()].find(
				(c) => c.finalized && String(c.fieldValues.content).includes('Summarise the travel policy'),
			),
		);
		expect(card.openSpaceId).toBe(`dtv1.card//IM_GROUP.${group.openConversationId}`);
		expect(card.fieldValues.content).toBe(answerTo('Summarise the travel policy', 1));
		expect(card.streams.length).toBeGreaterThanOrEqual(1);
		expect(card.streams.every((s) => s.isFull)).toBe(true);
		expect(card.streams.at(-1)).toMatchObject({ isFinalize: true, isError: false });
		expect(card.failed).toBe(false);
		// A direct chat is answered by the Markdown flow only (no card for it).
		expect([...fake.cards.values()].some((c) => c.openSpaceId.includes('IM_ROBOT'))).toBe(false);
	});

	it('a Chinese answer that arrives byte by byte is typed into the AI card intact (UTF-8 across chunks)', async () => {
		const answer = '差旅政策：国内出差需提前三天申请，住宿标准每晚不超过五百元。';
		xpert.streamOptions = { byteByByte: true, answer };
		try {
			fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				robotMessage({ text: '差旅政策是什么？', sender: users[1], group: true, mention: true }),
			);
			const card = await waitFor(
				() => [...fake.cards.values()].find((c) => c.finalized && c.fieldValues.content === answer),
				60_000,
			);
			expect(card.failed).toBe(false);
			expect(card.streams.some((s) => s.content.includes('\uFFFD'))).toBe(false);
		} finally {
			xpert.streamOptions = {};
		}
	});

	it('when the expert fails mid-answer, the AI card is finished as failed instead of typing forever', async () => {
		xpert.injectFault({ path: '/runs/stream$', status: 500 });
		const before = fake.cards.size;
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			robotMessage({ text: 'This one breaks', sender: users[2], group: true, mention: true }),
		);
		const card = await waitFor(
			() =>
				fake.cards.size > before &&
				[...fake.cards.values()].find((c) => c.streams.some((s) => s.isError)),
		);
		expect(card.streams.at(-1)).toMatchObject({ isFinalize: true, isError: true });
	});

	it("when the expert's stream carries an error mid-answer, the run fails and the AI card is finished as failed with what arrived", async () => {
		xpert.streamOptions = { failAfterWords: 3, failWith: 'the model provider failed' };
		let messageId = '';
		try {
			const startedAt = Date.now();
			const failedBefore = await executionsOf(cardFlow.id, 'error');
			messageId = fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				robotMessage({
					text: 'This one errs mid-answer',
					sender: users[4],
					group: true,
					mention: true,
				}),
			);
			const words = answerTo('This one errs mid-answer', 1).match(/\S+\s*/g) ?? [];
			const card = await waitFor(() => {
				const found = firstCardFor(users[4], startedAt);
				return found?.finalized && found;
			}, 60_000);
			expect(card.failed).toBe(true);
			// What arrived before the error stays on the card, marked failed.
			expect(card.fieldValues.content).toBe(words.slice(0, 3).join(''));
			expect(card.streams.at(-1)).toMatchObject({ isFinalize: true, isError: true });
			expect(card.streams.some((s) => s.isFinalize && !s.isError)).toBe(false);
			const failed = await waitFor(async () => {
				const runs = await executionsOf(cardFlow.id, 'error');
				return runs > failedBefore && runs;
			}, 30_000);
			expect(failed).toBeGreaterThan(failedBefore);
		} finally {
			xpert.streamOptions = {};
		}
		// Left un-ACKed by the failed run, the message is redelivered and may run once more: let that settle first.
		await waitFor(() => !fake.gateway.unacked().includes(messageId), 90_000);
	});

	it('an answer cut off without its complete event never looks complete: the run fails and the AI card is finished as failed', async () => {
		xpert.streamOptions = { endAfterWords: 4 };
		let messageId = '';
		try {
			const startedAt = Date.now();
			const failedBefore = await executionsOf(cardFlow.id, 'error');
			messageId = fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				robotMessage({ text: 'This one is cut off', sender: users[6], group: true, mention: true }),
			);
			const card = await waitFor(() => {
				const found = firstCardFor(users[6], startedAt);
				return found?.finalized && found;
			}, 60_000);
			const words = answerTo('This one is cut off', 1).match(/\S+\s*/g) ?? [];
			expect(card.fieldValues.content).toBe(words.slice(0, 4).join(''));
			expect(card.failed).toBe(true);
			expect(card.streams.at(-1)).toMatchObject({ isFinalize: true, isError: true });
			expect(card.streams.some((s) => s.isFinalize && !s.isError)).toBe(false);
			const failed = await waitFor(async () => {
				const runs = await executionsOf(cardFlow.id, 'error');
				return runs > failedBefore && runs;
			}, 30_000);
			expect(failed).toBeGreaterThan(failedBefore);
		} finally {
			xpert.streamOptions = {};
		}
		// Left un-ACKed by the failed run, the message is redelivered and may run once more: let that settle first.
		await waitFor(() => !fake.gateway.unacked().includes(messageId), 90_000);
	});

	it(`twelve people ask at once while DingTalk allows ${BURST_RATE} card updates per second: every card ends with the exact answer, none failed or unfinished, no message runs twice`, async () => {
		const burst = users.slice(0, 12).map((sender, n) => ({
			sender,
			text: `Burst question ${n + 1}: where is the printer?`,
		}));
		xpert.streamOptions = { tokenDelayMs: 100 };
		fake.setQpsLimit('/v1.0/card/streaming', BURST_RATE);
		const streamingBefore = fake.requestsTo('/v1.0/card/streaming').length;
		const throttledBefore = fake.throttledRequests('/v1.0/card/streaming').length;
		try {
			const startedAt = Date.now();
			const messageIds = burst.map(({ sender, text }) =>
				fake.gateway.pushCallback(
					'/v1.0/im/bot/messages/get',
					robotMessage({ text, sender, group: true, mention: true }),
				),
			);
			/** The card whose typing started with this question's answer (one per question, or more when it ran twice). */
			const cardsOf = (text: string) =>
				[...fake.cards.values()].filter((c) =>
					c.streams.some((s) => s.content.includes(`"${text}"`)),
				);
			await waitFor(
				() => burst.every(({ text }) => cardsOf(text).some((c) => c.finalized)),
				180_000,
			);
			const seconds = (Date.now() - startedAt) / 1000;
			// Every run is over once DingTalk has every ACK (ACK Policy "After the Run Finished"): a failed run would
			// have left its message for redelivery, and a second run would show below.
			await waitFor(() => messageIds.every((id) => !fake.gateway.unacked().includes(id)), 60_000);
			for (const { text } of burst) {
				const cards = cardsOf(text);
				expect(cards).toHaveLength(1);
				// The exact answer the expert gave in this thread.
				const thread = [...xpert.threads.values()].find((t) =>
					t.messages.some((m) => m.role === 'human' && m.content === text),
				);
				const asked =
					thread?.messages.findIndex((m) => m.role === 'human' && m.content === text) ?? -1;
				expect(asked).toBeGreaterThanOrEqual(0);
				expect(cards[0]).toMatchObject({
					finalized: true,
					failed: false,
					fieldValues: { content: thread?.messages[asked + 1].content },
				});
				// The expert was asked once: no run of this message twice.
				expect(
					xpert.requests.filter(
						(r) =>
							/runs\/stream$/.test(r.path) && JSON.stringify(r.body).includes(JSON.stringify(text)),
					),
				).toHaveLength(1);
			}
			const streaming = fake.requestsTo('/v1.0/card/streaming').length - streamingBefore;
			const throttled = fake.throttledRequests('/v1.0/card/streaming').length - throttledBefore;
			console.log(
				`Burst of ${burst.length} at ${BURST_RATE} card updates/s: last card after ${seconds.toFixed(1)} s, ${throttled} of ${streaming} streaming requests throttled`,
			);
		} finally {
			xpert.streamOptions = {};
			fake.setQpsLimit('/v1.0/card/streaming', 0);
		}
	});

	it('Max Concurrent Runs 2: six messages at once run two at a time, in arrival order; the waiting ones stay un-ACKed and their redeliveries start nothing', async () => {
		const texts = Array.from({ length: 6 }, (_, n) => `Limited question ${n + 1}`);
		const asked = () =>
			xpert.requests
				.filter((r) => /runs\/wait$/.test(r.path))
				.map(
					(r) =>
						(r.body as { input: { message: { input: { input: string } } } }).input.message.input
							.input,
				)
				.filter((t) => texts.includes(t));
		// Each answer takes 1.5 s, so later messages wait past the gateway's 2 s redelivery.
		xpert.injectFault({ path: '/runs/wait$', delayMs: 1500, times: texts.length });
		xpert.maxInFlight = xpert.inFlight;
		const messageIds = texts.map((text, n) =>
			fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				fakeRobotMessage(fake, { text, senderStaffId: users[n], conversationId: LIMITED_CHAT }),
				{ appId: limitedApp.clientId },
			),
		);
		// While the first two run, the other four wait un-ACKed.
		await waitFor(() => xpert.inFlight >= 2, 60_000);
		expect(messageIds.slice(2).every((id) => fake.gateway.unacked().includes(id))).toBe(true);
		await waitFor(() => messageIds.every((id) => !fake.gateway.unacked().includes(id)), 120_000);
		expect(xpert.maxInFlight).toBe(2);
		// Each asked once (redeliveries of waiting messages were dropped), two by two in the order they arrived.
		const order = asked();
		expect(order).toHaveLength(texts.length);
		for (let pair = 0; pair < texts.length; pair += 2)
			expect(order.slice(pair, pair + 2).sort()).toEqual(texts.slice(pair, pair + 2));
		const redelivered = fake.gateway.deliveries.filter(
			(d) => messageIds.includes(d.messageId) && d.redelivery,
		);
		expect(redelivered.length).toBeGreaterThan(0);
	});

	it('stopping a run in n8n while the expert is answering closes the stream at once and finishes the AI card as failed', async () => {
		// An expert that keeps the stream open with keep-alives and never answers.
		xpert.streamOptions = { keepAliveForeverMs: 200 };
		try {
			const before = fake.cards.size;
			const startedAt = Date.now() - 1;
			fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				robotMessage({ text: 'This one is stopped', sender: users[3], group: true, mention: true }),
			);
			const streamOpen = () =>
				xpert.requests.some((r) => /runs\/stream$/.test(r.path) && r.at >= startedAt) &&
				xpert.streamTimes.closed === undefined;
			await waitFor(streamOpen, 60_000);
			const filter = encodeURIComponent(
				JSON.stringify({ workflowId: cardFlow.id, status: ['running'] }),
			);
			const running = await waitFor(
				async () =>
					(
						await server.rest<{ results: Array<{ id: string }> }>(
							'GET',
							`/executions?filter=${filter}`,
						)
					).data.results[0],
				30_000,
			);
			const stoppedAt = Date.now();
			expect((await server.rest('POST', `/executions/${running.id}/stop`)).status).toBe(200);
			await waitFor(() => xpert.streamTimes.closed !== undefined, 10_000);
			expect((xpert.streamTimes.closed ?? Infinity) - stoppedAt).toBeLessThan(1000);
			const card = await waitFor(
				() =>
					fake.cards.size > before &&
					[...fake.cards.values()].find((c) => c.streams.some((s) => s.isError)),
				30_000,
			);
			expect(card.streams.at(-1)).toMatchObject({ isFinalize: true, isError: true });
		} finally {
			xpert.streamOptions = {};
		}
	});

	it('Broadcast: POSTing the keys to the Recall Request webhook takes the notice back from users and group', async () => {
		expect(broadcastKeys.userKeys.length).toBeGreaterThan(0);
		const response = await fetch(`${server.baseUrl}/webhook/dingtalk-broadcast-recall`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(broadcastKeys),
		});
		expect(response.status).toBe(200);
		const all = [...broadcastKeys.userKeys, ...broadcastKeys.groupKeys];
		const notices = () =>
			fake.sentMessages.filter((m) => all.includes(m.processQueryKey as string));
		// One sent message per key, so the check below is over every notice (an empty match would pass it).
		expect(notices()).toHaveLength(all.length);
		await waitFor(() => notices().every((m) => m.recalled));
	});

	it("MCP server: an MCP client lists the five DingTalk tools by the seed's names and calls them", async () => {
		const client = new McpClient(`${server.baseUrl}/mcp/dingtalk-tools`);
		await waitFor(
			async () =>
				await client.initialize().then(
					() => true,
					() => false,
				),
			30_000,
		);
		const tools = await client.listTools();
		expect(tools.map((t) => t.name).sort()).toEqual([
			'dingtalk_list_users',
			'dingtalk_recall_message',
			'dingtalk_send_rich_notification',
			'dingtalk_send_text_notification',
			'dingtalk_update_message',
		]);
		const listed = await client.callTool('dingtalk_list_users', {
			departmentId: '4',
			pageSize: 10,
		});
		expect(listed.isError).toBeFalsy();
		expect(JSON.stringify(listed.content)).toContain('eng0003');
		const sent = await client.callTool('dingtalk_send_text_notification', {
			userIds: 'eng0003,eng0004',
			content: 'Deploy finished (via MCP)',
		});
		expect(sent.isError).toBeFalsy();
		const message = await waitFor(() =>
			fake.sentMessages.find(
				(m) =>
					m.channel === 'oto' && JSON.stringify(m.msgParam).includes('Deploy finished (via MCP)'),
			),
		);
		expect(message.userIds?.sort()).toEqual(['eng0003', 'eng0004']);
		expect(JSON.stringify(sent.content)).toContain(message.processQueryKey as string);
		const recalled = await client.callTool('dingtalk_recall_message', {
			messageId: message.processQueryKey,
		});
		expect(recalled.isError).toBeFalsy();
		await waitFor(
			() => fake.sentMessages.find((m) => m.processQueryKey === message.processQueryKey)?.recalled,
		);
	});

	it('AI Agent flow: a DingTalk message goes to the agent, which looks the users up with the DingTalk tool and replies', async () => {
		const calls = model.requests.length;
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			fakeRobotMessage(fake, {
				text: 'Who works in department 4?',
				senderStaffId: users[4],
				conversationId: AGENT_CHAT,
			}),
		);
		const reply = await waitFor(() =>
			replies().find((r) => r.startsWith('Here is what DingTalk says')),
		);
		for (const user of ['eng0003', 'eng0004']) expect(reply).toContain(user);
		expect(model.requests.length).toBeGreaterThanOrEqual(calls + 2);
	});

	it("n8n lists the DingTalk node's human review variant (…HitlTool) for AI Agents, under Tools → Human review", async () => {
		const { status, data } = await server.getJson<
			Array<{
				name: string;
				displayName: string;
				inputs: unknown;
				outputs: unknown;
				codex?: unknown;
			}>
		>('/types/nodes.json');
		expect(status).toBe(200);
		const review = data.filter((t) => t.name === `${PACKAGE_PREFIX}.dingTalkHitlTool`);
		expect(review).toHaveLength(1);
		expect(review[0]).toMatchObject({
			displayName: 'DingTalk',
			inputs: [{ displayName: 'Tool', type: 'ai_tool', required: true }],
			outputs: [
				{
					displayName: 'Human review',
					type: 'ai_tool',
					filter: {
						nodes: ['@n8n/n8n-nodes-langchain.agent', '@n8n/n8n-nodes-langchain.agentTool'],
					},
				},
			],
			// The editor's "Human review" panel lists every type whose name ends in HitlTool.
			codex: { categories: ['AI'], subcategories: { Tools: ['Human in the Loop'] } },
		});
	});

	it('AI Agent flow, human review: the DingTalk review card holds the notification until the asker answers; Approve sends it, Decline tells the agent it was refused', async () => {
		const [asker, approvedFor, declinedFor] = [users[5], users[6], users[7]];
		const ask = (text: string) =>
			fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				fakeRobotMessage(fake, { text, senderStaffId: asker, conversationId: AGENT_CHAT }),
			);
		const sentTo = (user: string, text: string) =>
			fake.sentMessages.filter(
				(m) => m.channel === 'oto' && m.userIds?.includes(user) && JSON.stringify(m).includes(text),
			);
		const waiting = async () => {
			const filter = encodeURIComponent(
				JSON.stringify({ workflowId: agentFlowOnOneChat.id, status: ['waiting'] }),
			);
			return (
				await server.rest<{ results: Array<{ id: string }> }>('GET', `/executions?filter=${filter}`)
			).data.results;
		};
		/** The review card's button (an ActionCard's buttonUrl<n>): n8n's signed resume URL, sent to this n8n's port. */
		const answerUrl = (card: SentMessage, approved: boolean) => {
			const resume = Object.values(card.msgParam as Record<string, string>).find(
				(v) => v.includes('/webhook-waiting/') && v.includes(`approved=${approved}`),
			);
			if (!resume) throw new Error(`no ${approved} button in ${JSON.stringify(card)}`);
			const url = new URL(resume);
			return `${server.baseUrl}${url.pathname}${url.search}`;
		};
		const reviewAndAnswer = async (notice: string, to: string, approved: boolean) => {
			const repliesBefore = replies().length;
			ask(`Notify ${to}: ${notice}`);
			const card = await waitFor(() => sentTo(asker, notice)[0], 60_000);
			// The run waits, the tool has not run yet.
			const waits = await waitFor(async () => {
				const runs = await waiting();
				return runs.length > 0 && runs;
			}, 30_000);
			expect(waits).toHaveLength(1);
			expect(sentTo(to, notice)).toEqual([]);
			const clicked = await fetch(answerUrl(card, approved));
			expect(clicked.status).toBe(200);
			const reply = await waitFor(
				() =>
					replies()
						.slice(repliesBefore)
						.find((r) => r.startsWith('Here is what DingTalk says')),
				60_000,
			);
			await waitFor(async () => (await waiting()).length === 0, 30_000);
			return { card, reply };
		};

		const approvedRun = await reviewAndAnswer('Build 42 is green', approvedFor, true);
		// The flow's review text (the tool and the input the model chose) with Decline / Approve buttons.
		expect(approvedRun.card.msgParam).toMatchObject({
			title: 'The assistant asks before notifying',
			text: `The assistant wants to run **dingtalk_send_text_notification** with:\n\n{"userIds":"${approvedFor}","content":"Build 42 is green"}`,
			buttonTitle1: 'Decline',
			buttonTitle2: 'Approve',
		});
		const [notice] = sentTo(approvedFor, 'Build 42 is green');
		expect(notice).toBeDefined();
		expect(approvedRun.reply).toContain(String(notice.processQueryKey));

		const declinedRun = await reviewAndAnswer('Build 43 is red', declinedFor, false);
		expect(sentTo(declinedFor, 'Build 43 is red')).toEqual([]);
		// What n8n's agent tells the model instead of the tool's output (the fake model answers with it).
		expect(declinedRun.reply).toMatch(
			/User rejected the tool call to dingtalk_send_text_notification \(id: call_notify_1\)\. STOP what you are doing/,
		);
	});

	it("over HTTP callbacks: an encrypted message gets the expert's answer", async () => {
		const message = robotMessage({ text: 'Is the office open on Friday?', sender: users[3] });
		const answer = await DingTalkCallbackPusher.send(
			`${server.baseUrl}/webhook/dingtalk-xpert-http/callback`,
			pusher.encrypted(message),
		);
		expect(pusher.readAnswer(answer.json)).toBe('success');
		await waitFor(() => replies().includes(answerTo('Is the office open on Friday?', 1)));
		// Add Reaction before the expert, Remove Reaction after the reply: a round trip through the action node.
		const msgId = String(message.msgId);
		await waitFor(() =>
			fake.reactions.some((r) => r.openMsgId === msgId && r.action === 'removed'),
		);
		expect(
			fake.reactions.filter((r) => r.openMsgId === msgId).map((r) => [r.action, r.text]),
		).toEqual([
			['added', '🤔Thinking'],
			['removed', '🤔Thinking'],
		]);
		const [added, removed] = fake.reactions.filter((r) => r.openMsgId === msgId);
		console.log(
			`Add Reaction → Remove Reaction round trip (HTTP flow): ${removed.at - added.at} ms`,
		);
	});

	describe('Approval assistant', () => {
		const LEAVE = 'PROC-LEAVE-0001';
		const [originator, approver, bystander] = ['eng0003', 'manager0001', 'eng0004'];
		const executions = (processInstanceId: string) =>
			fake
				.requestsTo('/v1.0/workflow/processInstances/execute')
				.filter(
					(r) => (r.body as { processInstanceId?: string }).processInstanceId === processInstanceId,
				);
		/** The decision card sent for this approval's task (its context names both), once it exists. */
		const cardFor = (processInstanceId: string) =>
			[...fake.cards.entries()].find(
				([id, card]) =>
					id.startsWith('decision-') &&
					card.cardData.context?.includes(`"processInstanceId":"${processInstanceId}"`),
			);
		const submit = (form: Record<string, string | number>) =>
			fake.workflow.submit({ processCode: LEAVE, originatorUserId: originator, form });

		beforeAll(async () => {
			// Both triggers of the flow listen (n8n activates published flows in the background), and the shared
			// connection has re-registered with EVENT for them.
			const line = `DingTalk Trigger: listening on the Stream connection (workflow ${approvalFlow.id})`;
			await waitFor(() => server.logs.split(line).length - 1 >= 2, 60_000);
			await waitFor(
				() =>
					fake.gateway
						.liveConnections(app.clientId)
						.some((c) => c.subscriptions.some((x) => x.type === 'EVENT')),
				60_000,
			);
		});

		it("submitted → the approver's card with the expert's summary; someone else's click changes nothing; the approver's Approve executes the task once as them and the card says who decided; a second click is answered 'already decided'", async () => {
			const submitted = submit({
				'Leave Type': 'Annual',
				Start: '2026-12-07',
				Days: 3,
				Reason: 'Family visit',
			});
			const [taskId] = submitted.taskIds;
			const [outTrackId, card] = await waitFor(() => cardFor(submitted.processInstanceId), 60_000);
			const instance = fake.workflow.instances.get(submitted.processInstanceId);
			// To the approver of the running task only, with the task in the signed context.
			expect(card.openSpaceId).toBe(`dtv1.card//IM_ROBOT.${approver}`);
			expect(Object.keys(card.privateData as object)).toEqual([approver]);
			expect(JSON.parse(card.cardData.context)).toEqual({
				processInstanceId: submitted.processInstanceId,
				taskId: String(taskId),
			});
			expect(card.cardData).toMatchObject({ title: instance?.title, decided: 'false' });
			// The expert read the form (its summary quotes it) and named the policy it relied on.
			expect(card.cardData.summary).toBe(
				[
					'**Digital Expert recommends: Approve**',
					`${originator} asks for "${instance?.title}": Leave Type Annual, Start 2026-12-07, Days 3, Reason Family visit.`,
					`Policy: ${REVIEW_POLICIES.approve}`,
				].join('\n\n'),
			);

			const byBystander = await fake.clickCard({
				outTrackId,
				userId: bystander,
				button: 'approve',
			});
			expect(byBystander.answer).toMatchObject({
				userPrivateData: {
					cardParamMap: {
						notice:
							'Only the listed approvers can decide this request. 只有指定的审批人可以处理此申请。',
					},
				},
			});
			expect(executions(submitted.processInstanceId)).toEqual([]);
			expect(fake.cards.get(outTrackId)?.cardData.decided).toBe('false');

			const byApprover = await fake.clickCard({ outTrackId, userId: approver, button: 'approve' });
			// The flow's own answer (Card → Answer Callback after Approve Task), not the trigger's default words.
			const statusText = `Approved by ${approver} in DingTalk approval. 已由 ${approver} 在钉钉审批中批准。`;
			expect(byApprover.answer).toMatchObject({
				cardData: {
					cardParamMap: { decided: 'true', decision: 'approve', decidedBy: approver, statusText },
				},
			});
			expect(executions(submitted.processInstanceId).map((r) => [r.status, r.body])).toEqual([
				[
					200,
					expect.objectContaining({
						processInstanceId: submitted.processInstanceId,
						taskId: expect.anything(),
						result: 'agree',
						actionerUserId: approver,
					}),
				],
			]);
			expect(
				String((executions(submitted.processInstanceId)[0].body as { taskId: unknown }).taskId),
			).toBe(String(taskId));
			expect(instance?.tasks.find((t) => t.taskId === taskId)).toMatchObject({
				status: 'COMPLETED',
				result: 'AGREE',
			});
			expect(instance).toMatchObject({ status: 'COMPLETED', result: 'agree' });
			expect(fake.cards.get(outTrackId)?.cardData).toMatchObject({ decided: 'true', statusText });

			const again = await fake.clickCard({ outTrackId, userId: approver, button: 'refuse' });
			expect(again.answer).toMatchObject({
				cardData: {
					cardParamMap: { decided: 'true', decision: 'approve', decidedBy: approver, statusText },
				},
				userPrivateData: {
					cardParamMap: { notice: `Already decided by ${approver}. 已由 ${approver} 处理。` },
				},
			});
			expect(executions(submitted.processInstanceId)).toHaveLength(1);
		});

		it('a request without a reason gets the originator a to-do instead of a card; an answer the flow cannot read sends the card as "needs a human look"; a task decided in DingTalk first leaves the click "not executed"', async () => {
			const unclear = submit({ 'Leave Type': 'Sick', Start: '2026-12-08', Days: 1 });
			const todo = await waitFor(
				() =>
					fake
						.requestsTo(/^\/v1\.0\/todo\/users\/[^/]+\/tasks$/)
						.find(
							(r) =>
								r.status === 200 &&
								(r.body as { sourceId?: string }).sourceId === unclear.processInstanceId,
						),
				60_000,
			);
			const unionId = fake.users.get(originator)?.unionid;
			expect(todo.path).toBe(`/v1.0/todo/users/${unionId}/tasks`);
			expect(todo.body).toMatchObject({
				subject: `Add information to your approval: ${fake.workflow.instances.get(unclear.processInstanceId)?.title}`,
				executorIds: [unionId],
				description: expect.stringContaining('The Digital Expert asks for: Reason'),
				detailUrl: {
					appUrl: expect.stringMatching(/^https:\/\/aflow\.dingtalk\.com\//),
					pcUrl: expect.stringMatching(/^https:\/\/aflow\.dingtalk\.com\//),
				},
			});
			expect(cardFor(unclear.processInstanceId)).toBeUndefined();

			xpert.nextAnswers.push('Looks fine to me, approve it.');
			const unread = submit({
				'Leave Type': 'Annual',
				Start: '2026-12-09',
				Days: 2,
				Reason: 'Move',
			});
			const [, card] = await waitFor(() => cardFor(unread.processInstanceId), 60_000);
			expect(card.cardData.summary).toBe(
				"**Digital Expert: needs a human look**\n\nThe Digital Expert's answer could not be read. Please review the request yourself.",
			);
			expect(executions(unread.processInstanceId)).toEqual([]);

			// The approver approves in DingTalk's own approval app first, then clicks the card: DingTalk refuses the
			// execution and the card says so (no hang, no second try).
			const [taskId] = unread.taskIds;
			expect(
				fake.workflow.execute({
					processInstanceId: unread.processInstanceId,
					taskId,
					result: 'agree',
					actionerUserId: approver,
				}).status,
			).toBe(200);
			const [outTrackId] = cardFor(unread.processInstanceId) as [string, unknown];
			const click = await fake.clickCard({ outTrackId, userId: approver, button: 'refuse' });
			expect(click.answer).toMatchObject({
				cardData: {
					cardParamMap: {
						decided: 'true',
						decidedBy: approver,
						statusText: expect.stringMatching(/^Not executed: DingTalk refused it/),
					},
				},
			});
			expect(
				executions(unread.processInstanceId).map((r) => [
					r.status,
					(r.body as { result: string }).result,
				]),
			).toEqual([[400, 'refuse']]);
			expect(fake.workflow.instances.get(unread.processInstanceId)).toMatchObject({
				status: 'COMPLETED',
				result: 'agree',
			});
		});
	});
});
