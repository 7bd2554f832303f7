import { streamListeningLine } from '../../nodes/DingTalk/trigger/streamMode';
import {
	approvalEventData,
	DECISION_TEMPLATE_ID,
	defaultFixture,
	EVENT_FIXTURES,
	FakeDingTalk,
	type QuoteOptions,
	robotMessage as fakeRobotMessage,
} from '../fake-dingtalk';
import { importCredentials, importWorkflows, runN8n } from '../harness/n8n';
import { waitFor } from '../harness/helpers';
import {
	dingTalkNodeFactory,
	flow,
	isMessageRouter,
	link,
	triggerNode,
} from '../harness/workflows';
import { N8nServer } from '../harness/server';

/**
 * The DingTalk Trigger in Stream mode inside a running n8n: published workflows (trigger → Reply) connect to the
 * fake gateway; the gateway pushes robot messages; replies arrive at the fake DingTalk, and ACKs follow the runs.
 */
const fixture = defaultFixture();
const app = fixture.apps[0];
const [group] = fixture.conversations;
const users = fixture.users.map((u) => u.userid);
/** A second app, only used by the "Listen for test event" (manual) run. */
const manualApp = {
	clientId: 'dingfakeappkey0002',
	clientSecret: 'fake-secret-0002-abcdefghijklmnopqrstuvwxyz',
	robotCode: 'dingfakeappkey0002',
};
/** Apps of their own for the lifecycle tests: there the trigger is the app's only subscriber, as in most setups. */
const lifeApp = {
	clientId: 'dingfakeappkey0003',
	clientSecret: 'fake-secret-0003-abcdefghijklmnopqrstuvwxyz',
	robotCode: 'dingfakeappkey0003',
};
const waitApp = {
	clientId: 'dingfakeappkey0004',
	clientSecret: 'fake-secret-0004-abcdefghijklmnopqrstuvwxyz',
	robotCode: 'dingfakeappkey0004',
};
/** Organisation events: an app whose bot-only workflow is active first; its events workflows are activated later. */
const eventApp = {
	clientId: 'dingfakeappkey0005',
	clientSecret: 'fake-secret-0005-abcdefghijklmnopqrstuvwxyz',
	robotCode: 'dingfakeappkey0005',
};
/** Decision cards: an app of its own, so only the decision workflow gets its card clicks. */
const decisionApp = {
	clientId: 'dingfakeappkey0006',
	clientSecret: 'fake-secret-0006-abcdefghijklmnopqrstuvwxyz',
	robotCode: 'dingfakeappkey0006',
};
const fake = new FakeDingTalk({
	...fixture,
	apps: [...fixture.apps, manualApp, lifeApp, waitApp, eventApp, decisionApp],
});
const server = new N8nServer();
const credential = {
	id: 'stStreamCred0001',
	name: 'DingTalk Stream (fake)',
	type: 'dingTalkStreamApi',
};

const creds = { dingTalkStreamApi: { id: credential.id, name: credential.name } };
/** Version 1 here: workflows saved before 1.1 keep working (the HTTP suite runs 1.1). */
const trigger = (parameters: Record<string, unknown>) =>
	triggerNode({ parameters, credentials: creds, typeVersion: 1 });
const dingTalk = dingTalkNodeFactory(creds);
const fromTrigger = "={{ $('DingTalk Trigger').item.json }}";

const DIRECT = (user: string) => `cidDirect${user}==`;
const OPS = 'cidOps==';
const AGGREGATE = 'cidAggregate==';

/** Messages → Reply; card clicks → Card Update (an If node routes on the event type). */
const echoFlow = flow(
	'stEchoWorkflow01',
	[
		trigger({
			events: ['message', 'cardCallback'],
			options: {
				allowedConversationIds: [group.openConversationId, ...users.map(DIRECT)].join(','),
				downloadMedia: true,
				maxMediaSize: 0.05,
			},
		}),
		isMessageRouter(),
		dingTalk(
			'Reply',
			{
				resource: 'message',
				operation: 'reply',
				messageType: 'text',
				text: "=You said: {{ $json.text }} (new session: {{ $json.isNewSession }}){{ $json.media ? ' media=' + $json.media.map(m => m.fileName + ':' + m.size + ':' + ($binary[m.binaryProperty] ? $binary[m.binaryProperty].mimeType : 'none') + (m.tooLarge ? ':tooLarge' : '')).join(',') : '' }}{{ $json.mediaSkipped ? ' skipped=' + $json.mediaSkipped.count : '' }}{{ $json.quoted ? ' quoted=' + $json.quoted.messageType + ':' + $json.quoted.text : '' }}",
			},
			400,
			-100,
		),
		dingTalk(
			'Update Card',
			{
				resource: 'card',
				operation: 'update',
				outTrackId: '={{ $json.outTrackId }}',
				cardDataMode: 'fields',
				cardFields: { field: [{ key: 'lastAction', value: '={{ $json.params.action }}' }] },
			},
			400,
			100,
		),
	],
	{
		'DingTalk Trigger': { main: [[link('Is Message')]] },
		'Is Message': { main: [[link('Reply')], [link('Update Card')]] },
	},
);

/** "status" in the ops chat → Connection → Get Status → reply with it: the connection lives in this process. */
const opsFlow = flow(
	'stOpsWorkflow001',
	[
		trigger({ events: ['message'], options: { allowedConversationIds: OPS } }),
		dingTalk('Status', { resource: 'connection', operation: 'getStatus' }, 200),
		dingTalk(
			'Reply',
			{
				resource: 'message',
				operation: 'reply',
				event: fromTrigger,
				messageType: 'text',
				text: '=state={{ $json.state }} subscribers={{ $json.subscribers }} found={{ $json.found }}',
			},
			400,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Status')]] }, Status: { main: [[link('Reply')]] } },
);

/** Connection events on the second output → an alert in the group. */
const alertFlow = flow(
	'stAlertWorkflow1',
	[
		trigger({ events: ['cardCallback'], emitConnectionEvents: true }),
		dingTalk(
			'Alert',
			{
				resource: 'message',
				operation: 'sendToGroup',
				openConversationId: fixture.conversations[1].openConversationId,
				messageType: 'text',
				text: '=ALERT bot {{ $json.event }}',
			},
			300,
			100,
		),
	],
	{ 'DingTalk Trigger': { main: [[], [link('Alert')]] } },
);

/** Aggregation (1 s window), a short session timeout (3 s), and ACK at once (not after the run). */
const aggregateFlow = flow(
	'stAggregateFlow1',
	[
		trigger({
			events: ['message'],
			options: {
				allowedConversationIds: AGGREGATE,
				aggregationWindow: 1,
				aggregationMaxWait: 5,
				sessionTimeout: 3,
				ackPolicy: 'immediately',
			},
		}),
		dingTalk(
			'Reply',
			{
				resource: 'message',
				operation: 'reply',
				messageType: 'text',
				text: '=AGG[{{ $json.text }}] new={{ $json.isNewSession }} parts={{ $json.parts.length }}',
			},
			300,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Reply')]] } },
);

const manualCredential = {
	id: 'stManualCred0001',
	name: 'DingTalk second app (fake)',
	type: 'dingTalkStreamApi',
};
const manualFlow = flow(
	'stManualFlow0001',
	[
		{
			...trigger({ events: ['message'] }),
			credentials: { dingTalkStreamApi: { id: manualCredential.id, name: manualCredential.name } },
		},
		{
			...dingTalk(
				'Reply',
				{
					resource: 'message',
					operation: 'reply',
					messageType: 'text',
					text: '=MANUAL {{ $json.text }}',
				},
				300,
			),
			credentials: { dingTalkStreamApi: { id: manualCredential.id, name: manualCredential.name } },
		},
	],
	{ 'DingTalk Trigger': { main: [[link('Reply')]] } },
);

const lifeCredential = {
	id: 'stLifeCred000001',
	name: 'DingTalk lifecycle app (fake)',
	type: 'dingTalkStreamApi',
};
const waitCredential = {
	id: 'stWaitCred000001',
	name: 'DingTalk wait app (fake)',
	type: 'dingTalkStreamApi',
};
const withCredential = (node: Record<string, unknown>, c: { id: string; name: string }) => ({
	...node,
	credentials: { dingTalkStreamApi: { id: c.id, name: c.name } },
});
/** A long aggregation window, so a message is still pending when the workflow is deactivated. */
const lifeFlow = flow(
	'stLifecycleFlow1',
	[
		withCredential(
			trigger({ events: ['message'], options: { aggregationWindow: 20, aggregationMaxWait: 20 } }),
			lifeCredential,
		),
		withCredential(
			dingTalk(
				'Reply',
				{
					resource: 'message',
					operation: 'reply',
					messageType: 'text',
					text: '=LIFE[{{ $json.text }}]',
				},
				300,
			),
			lifeCredential,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Reply')]] } },
);
/**
 * A run parked in a 60 s Wait node (n8n sleeps in the process below 65 s; a longer wait is offloaded to the database
 * and ends the run as "waiting", which n8n reports at once); the Run Deadline (5 s) ACKs it.
 */
const waitFlow = flow(
	'stWaitFlow000001',
	[
		withCredential(trigger({ events: ['message'], options: { runDeadline: 5 } }), waitCredential),
		{
			id: 'wait',
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [300, 0],
			parameters: { amount: 60, unit: 'seconds' },
			webhookId: 'a7d0c9e2-5b1f-4f0e-9d51-4f3c2b1a0e77',
		},
	],
	{ 'DingTalk Trigger': { main: [[link('Wait')]] } },
);

/** Card clicks answered by the run itself (Card → Answer Callback): the answer travels in the ACK. */
const answerFlow = flow(
	'stAnswerFlow0001',
	[
		trigger({ events: ['cardCallback'] }),
		dingTalk(
			'Answer',
			{
				resource: 'card',
				operation: 'answerCallback',
				cardDataMode: 'fields',
				cardFields: {
					field: [{ key: 'status', value: "={{ 'answered ' + $json.params.action }}" }],
				},
			},
			300,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Answer')]] } },
);

const decisionCredential = {
	id: 'stDecisionCred01',
	name: 'DingTalk decision cards app (fake)',
	type: 'dingTalkStreamApi',
};
const DECISION_HOOK = 'dingtalk-stream-send-decision';
/** n8n's Webhook → Card → Send Decision Card: `?to=<user>&approvers=<ids>&task=<id>`; answers the node's output. */
const decisionSendFlow = flow(
	'stDecisionSend01',
	[
		{
			id: 'hookDecisionSend',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: DECISION_HOOK,
			parameters: { httpMethod: 'GET', path: DECISION_HOOK, responseMode: 'lastNode', options: {} },
		},
		withCredential(
			dingTalk(
				'Send Decision Card',
				{
					resource: 'card',
					operation: 'sendDecisionCard',
					cardTemplateId: DECISION_TEMPLATE_ID,
					target: 'user',
					userId: { __rl: true, mode: 'id', value: '={{ $json.query.to }}' },
					approverUserIds: '={{ $json.query.approvers }}',
					title: 'Leave request',
					summary: '**Chen Jie** asks for 3 days off',
					context:
						'={{ JSON.stringify({ processInstanceId: "pi-" + $json.query.task, taskId: $json.query.task }) }}',
				},
				200,
			),
			decisionCredential,
		),
	],
	{ Webhook: { main: [[link('Send Decision Card')]] } },
);
/** Decision clicks → the card shows who decided, from the run's item (decision.decidedBy, decision.context). */
const decisionFlow = flow(
	'stDecisionFlow01',
	[
		withCredential(trigger({ events: ['cardCallback'] }), decisionCredential),
		withCredential(
			dingTalk(
				'Answer',
				{
					resource: 'card',
					operation: 'answerCallback',
					cardDataMode: 'fields',
					cardFields: {
						field: [
							{ key: 'decided', value: 'true' },
							{ key: 'decision', value: '={{ $json.decision.decision }}' },
							{ key: 'decidedBy', value: '={{ $json.decision.decidedBy }}' },
							{
								key: 'statusText',
								value:
									"={{ ($json.decision.decision === 'approve' ? 'Approved' : 'Refused') + ' by ' + $json.decision.decidedBy + ' (task ' + $json.decision.context.taskId + ')' }}",
							},
						],
					},
				},
				300,
			),
			decisionCredential,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Answer')]] } },
);

const eventCredential = {
	id: 'stEventCred00001',
	name: 'DingTalk events app (fake)',
	type: 'dingTalkStreamApi',
};
const EVENTS_GROUP = fixture.conversations[1].openConversationId;
/** A workflow on the events app that posts to the group what its trigger gave it. */
const eventFlow = (id: string, label: string, parameters: Record<string, unknown>) =>
	flow(
		id,
		[
			withCredential(trigger(parameters), eventCredential),
			withCredential(
				dingTalk(
					'Post',
					{
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: EVENTS_GROUP,
						messageType: 'text',
						text: `=${label} {{ $json.eventType }} {{ $json.approval ? [$json.approval.type, $json.approval.result || '-', $json.approval.instanceId, $json.approval.processCode, $json.approval.originatorUserId, $json.approval.title, $json.approval.createdAt, $json.approval.finishedAt || '-'].join(' ') : JSON.stringify($json.data) }} corp={{ $json.corpId }} born={{ $json.bornAt }} id={{ $json.eventId }}`,
					},
					300,
				),
				eventCredential,
			),
		],
		{ 'DingTalk Trigger': { main: [[link('Post')]] } },
	);
/** Approval instances of one form: submitted, decided. */
const approvalFlow = eventFlow('stApprovalFlow01', 'APPROVAL', {
	events: ['orgEvent'],
	orgEventTypes: ['bpms_instance_change'],
	approvalProcessCodes: 'PROC-LEAVE-0001',
});
/** A second workflow on the same event type: each runs once per event. */
const approvalAuditFlow = eventFlow('stApprovalFlow02', 'AUDIT', {
	events: ['orgEvent'],
	orgEventTypes: ['bpms_instance_change'],
});
/** The events app's bot: it must never see an event. */
const eventBotFlow = flow(
	'stEventBotFlow01',
	[
		withCredential(trigger({ events: ['message', 'cardCallback'] }), eventCredential),
		withCredential(
			dingTalk(
				'Post',
				{
					resource: 'message',
					operation: 'sendToGroup',
					openConversationId: EVENTS_GROUP,
					messageType: 'text',
					text: '=EVBOT {{ $json.event }}',
				},
				300,
			),
			eventCredential,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Post')]] } },
);

/** Load: its own conversation, a plain reply. */
const loadFlow = flow(
	'stLoadWorkflow01',
	[
		trigger({ events: ['message'], options: { allowedConversationIds: 'cidLoadTest==' } }),
		dingTalk(
			'Reply',
			{
				resource: 'message',
				operation: 'reply',
				messageType: 'text',
				text: '=LOAD {{ $json.text }}',
			},
			300,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Reply')]] } },
);

/**
 * Another user of the same n8n who knows the app's Client ID (not a secret) but not its secret: a trigger workflow
 * (activated by the test) and n8n's Webhook → Get Status → Disconnect → Reconnect, all with that credential.
 */
const intruderCredential = {
	id: 'stIntruderCred01',
	name: 'DingTalk same Client ID, made-up secret',
	type: 'dingTalkStreamApi',
};
const INTRUDER_SECRET = 'made-up-secret-of-another-n8n-user-0001';
/** A copy of the owner's credential (same Client ID and secret): it shares the owner's connection. */
const copyCredential = {
	id: 'stCopyCred000001',
	name: 'DingTalk copy of the owner credential',
	type: 'dingTalkStreamApi',
};
const intruderFlow = flow(
	'stIntruderFlow01',
	[
		withCredential(trigger({ events: ['message', 'cardCallback'] }), intruderCredential),
		withCredential(
			dingTalk(
				'Reply',
				{
					resource: 'message',
					operation: 'reply',
					messageType: 'text',
					text: '=INTRUDER got {{ $json.text }}',
				},
				300,
			),
			intruderCredential,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Reply')]] } },
);
const INTRUDER_OPS_HOOK = 'dingtalk-stream-intruder-ops';
const COPY_STATUS_HOOK = 'dingtalk-stream-copy-status';
/** n8n's Webhook → the Connection operations in a chain → one item naming what each answered (the Webhook's reply). */
const connectionOpsFlow = (
	id: string,
	hook: string,
	c: { id: string; name: string },
	operations: Array<'getStatus' | 'disconnect' | 'reconnect'>,
) =>
	flow(
		id,
		[
			{
				id: `hook${id}`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: hook,
				parameters: { httpMethod: 'GET', path: hook, responseMode: 'lastNode', options: {} },
			},
			...operations.map((operation, i) =>
				withCredential(
					dingTalk(operation, { resource: 'connection', operation }, 200 * (i + 1)),
					c,
				),
			),
			{
				id: `report${id}`,
				name: 'Report',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200 * (operations.length + 1), 0],
				parameters: {
					mode: 'raw',
					jsonOutput: `={{ JSON.stringify({ ${operations.map((o) => `${o}: $('${o}').first().json`).join(', ')} }) }}`,
				},
			},
		],
		Object.fromEntries(
			['Webhook', ...operations, 'Report']
				.slice(0, -1)
				.map((name, i, names) => [name, { main: [[link(names[i + 1] ?? 'Report')]] }]),
		),
	);
const intruderOpsFlow = connectionOpsFlow(
	'stIntruderOps001',
	INTRUDER_OPS_HOOK,
	intruderCredential,
	['getStatus', 'disconnect', 'reconnect'],
);
const copyStatusFlow = connectionOpsFlow('stCopyStatus0001', COPY_STATUS_HOOK, copyCredential, [
	'getStatus',
]);

const robotMessage = (opts: {
	text: string;
	sender: string;
	group?: boolean;
	mention?: boolean;
	msgId?: string;
	conversationId?: string;
	quote?: QuoteOptions;
}) => fakeRobotMessage(fake, { ...opts, senderStaffId: opts.sender });

const replies = () =>
	fake.sentMessages
		.filter((m) => m.channel === 'session')
		.map((m) => (m.body as { text: { content: string } }).text.content);

beforeAll(async () => {
	await fake.start();
	fake.gateway.redeliveryMs = 3000;
	await importCredentials([
		{ ...credential, data: fake.appConfig() },
		{ ...manualCredential, data: fake.appConfig(manualApp) },
		{ ...lifeCredential, data: fake.appConfig(lifeApp) },
		{ ...waitCredential, data: fake.appConfig(waitApp) },
		{ ...intruderCredential, data: { ...fake.appConfig(), clientSecret: INTRUDER_SECRET } },
		{ ...copyCredential, data: fake.appConfig() },
		{ ...eventCredential, data: fake.appConfig(eventApp) },
		{ ...decisionCredential, data: fake.appConfig(decisionApp) },
	]);
	// Activated by their tests through the REST API (a CLI publish per flow costs the start-up ~10 s each); the
	// organisation-events ones on the connection the bot-only workflow already opened.
	await importWorkflows([
		manualFlow,
		approvalFlow,
		approvalAuditFlow,
		intruderFlow,
		intruderOpsFlow,
		copyStatusFlow,
		decisionSendFlow,
		decisionFlow,
	]);
	const flows = [
		echoFlow,
		opsFlow,
		alertFlow,
		aggregateFlow,
		loadFlow,
		answerFlow,
		lifeFlow,
		waitFlow,
		eventBotFlow,
	];
	await importWorkflows(flows);
	for (const f of flows) {
		const published = await runN8n(['publish:workflow', `--id=${f.id}`]);
		if (published.code !== 0) throw new Error(published.stdout + published.stderr);
	}
	await server.start();
	await server.setupOwner();
	await waitFor(() => fake.gateway.liveConnections(app.clientId).length > 0, 60_000);
	await waitFor(
		() =>
			fake.gateway.liveConnections(lifeApp.clientId).length > 0 &&
			fake.gateway.liveConnections(waitApp.clientId).length > 0 &&
			fake.gateway.liveConnections(eventApp.clientId).length > 0,
		60_000,
	);
	// n8n activates published workflows one after another; ask the ops flow until all six triggers are subscribed.
	let lastAsked = 0;
	await waitFor(() => {
		if (replies().includes('state=connected subscribers=6 found=true')) return true;
		if (Date.now() - lastAsked > 1000) {
			lastAsked = Date.now();
			fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				robotMessage({ text: 'status', sender: users[0], conversationId: OPS }),
			);
		}
		return false;
	}, 60_000);
	// Nine `n8n publish:workflow` runs, each booting n8n's CLI: on a loaded machine that alone passes 3 minutes.
}, 420_000);

afterAll(async () => {
	await server.stop();
	await fake.stop();
	expect(server.logs).not.toContain(app.clientSecret);
});

it('connects once to the gateway for six active workflows of one app, with the CALLBACK topics', () => {
	// This app's opens only: the lifecycle and wait apps open connections of their own.
	const opens = fake
		.requestsTo('/v1.0/gateway/connections/open')
		.filter((r) => (r.body as { clientId?: string }).clientId === app.clientId);
	expect(opens).toHaveLength(1);
	expect((opens[0].body as { subscriptions: unknown[] }).subscriptions).toEqual([
		{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
		{ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
	]);
	expect(fake.gateway.liveConnections(app.clientId)).toHaveLength(1);
	// n8n logs nothing when it activates a published workflow; the trigger says when it listens, once per workflow.
	for (const flow of [echoFlow, opsFlow, alertFlow, aggregateFlow, loadFlow, answerFlow]) {
		expect(server.logs.split(streamListeningLine(flow.id)).length - 1).toBe(1);
	}
});

it('a direct message runs the workflow, the reply arrives, and the ACK follows the run', async () => {
	const messageId = fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({ text: 'hello', sender: users[0] }),
	);
	await waitFor(() => replies().includes('You said: hello (new session: true)'));
	const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === messageId));
	expect(ack.code).toBe(200);
	expect(ack.data).toEqual({ response: null });
	// This message's reply, sent by the run, reached DingTalk before the ACK did.
	const [reply] = fake.sentMessages.filter(
		(m) =>
			m.channel === 'session' &&
			(m.body as { text?: { content?: string } }).text?.content ===
				'You said: hello (new session: true)',
	);
	expect(reply).toBeDefined();
	expect(ack.at).toBeGreaterThanOrEqual(reply.at);
});

it('a second message from the same sender continues the session', async () => {
	fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({ text: 'again', sender: users[0] }),
	);
	await waitFor(() => replies().includes('You said: again (new session: false)'));
});

it('group messages run only when they @mention the bot; the mention is stripped', async () => {
	const chatter = fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({ text: 'chatter', sender: users[1], group: true }),
	);
	fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({ text: 'bot, help', sender: users[1], group: true, mention: true }),
	);
	await waitFor(() => replies().includes('You said: bot, help (new session: true)'));
	// ACK after the run: the chatter's ACK comes once every workflow is done with it, so a run it had started would
	// have replied by then.
	await waitFor(() => fake.gateway.acks.find((a) => a.messageId === chatter));
	expect(replies().some((r) => r.includes('chatter'))).toBe(false);
});

it('a reply to an earlier message: the run sees the quoted message (current and older clients)', async () => {
	fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({
			text: 'what does this mean?',
			sender: users[1],
			group: true,
			mention: true,
			quote: { msgType: 'text', text: 'You said: bot, help' },
		}),
	);
	fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({
			text: 'and this?',
			// A sender no other case uses: the redelivery case below expects users[2]'s first direct session.
			sender: users[10],
			quote: {
				msgType: 'richText',
				text: 'old client',
				downloadCode: 'quotedPictureCode',
				shape: 'quoteMessage',
			},
		}),
	);
	const quotedReply = (text: string, quoted: string) =>
		replies().some((r) => r.startsWith(`You said: ${text} (`) && r.endsWith(` quoted=${quoted}`));
	await waitFor(() => quotedReply('what does this mean?', 'text:You said: bot, help'));
	await waitFor(() => quotedReply('and this?', 'richText:old client'));
	// Download Media fetches the message's own files only: the quoted picture stays a reference.
	expect(
		fake
			.requestsTo('/v1.0/robot/messageFiles/download')
			.some((r) => (r.body as { downloadCode: string }).downloadCode === 'quotedPictureCode'),
	).toBe(false);
});

it('a redelivered message (same msgId) after a dropped connection starts no second run', async () => {
	fake.gateway.ackDelayMs = 0;
	const message = robotMessage({
		text: 'only once',
		sender: users[2],
		msgId: 'msgDuplicateTest==',
	});
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message);
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message); // DingTalk's duplicate delivery
	await waitFor(() => replies().includes('You said: only once (new session: true)'));
	fake.gateway.drop(app.clientId);
	await waitFor(() => fake.gateway.liveConnections(app.clientId).length === 1, 30_000);
	const redelivered = fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message);
	// Dropped as a duplicate and ACKed: a run it had started would have replied before its ACK (ACK after the run).
	await waitFor(() => fake.gateway.acks.find((a) => a.messageId === redelivered), 30_000);
	expect(replies().filter((r) => r.includes('only once'))).toHaveLength(1);
});

it('malformed frames are ignored without dropping the connection', async () => {
	const [live] = fake.gateway.liveConnections(app.clientId);
	fake.gateway.sendRaw(live, 'not json');
	fake.gateway.sendRaw(live, JSON.stringify({ type: 'CALLBACK', headers: {} }));
	fake.gateway.sendRaw(
		live,
		JSON.stringify({
			specVersion: '1.0',
			type: 'CALLBACK',
			headers: { messageId: 'm-bad', topic: '/v1.0/im/bot/messages/get' },
			data: '{not json',
		}),
	);
	fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({ text: 'still alive', sender: users[3] }),
	);
	await waitFor(() => replies().includes('You said: still alive (new session: true)'));
	expect(fake.gateway.liveConnections(app.clientId)[0].id).toBe(live.id);
	expect(fake.gateway.acks.find((a) => a.messageId === 'm-bad')?.code).toBe(200);
});

it('hostile frames and wrongly typed messages break nothing: same socket, normalised runs, unreadable ones ACKed and logged', async () => {
	const [live] = fake.gateway.liveConnections(app.clientId);
	const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
	const robotTopic = '/v1.0/im/bot/messages/get';
	// Under n8n's uncaughtException handler these used to wedge the socket until the next missed keep-alive.
	fake.gateway.sendRaw(live, '{"type":{"toString":1}}');
	fake.gateway.sendRaw(
		live,
		`{"type":"SYSTEM","headers":{"messageId":"p-deep","topic":"ping","x":${deep}},"data":"{}"}`,
	);
	fake.gateway.sendRaw(
		live,
		`{"type":"CALLBACK","headers":{"messageId":${deep},"topic":"${robotTopic}"},"data":"{}"}`,
	);
	const unreadable = fake.gateway.pushCallback(robotTopic, {
		...robotMessage({ text: 'no conversation', sender: users[4] }),
		conversationId: { toString: 1 },
	});
	const typedWrongly = {
		...robotMessage({ text: 'typed wrongly', sender: users[4] }),
		atUsers: 'x',
		senderNick: ['x'],
		conversationTitle: { a: 1 },
		createAt: { a: 1 },
		isInAtList: 'yes',
	};
	fake.gateway.pushCallback(robotTopic, typedWrongly);
	await waitFor(() => replies().includes('You said: typed wrongly (new session: true)'), 10_000);
	expect(fake.gateway.liveConnections(app.clientId).map((c) => c.id)).toEqual([live.id]);
	expect(fake.gateway.acks.find((a) => a.messageId === unreadable)?.code).toBe(200);
	expect(server.logs).toContain(
		'DingTalk Trigger: ACKed and dropped an unreadable callback (robot message without a conversationId)',
	);
});

it('Connection → Get Status inside a run reports the shared connection', async () => {
	const count = () =>
		replies().filter((r) => r === 'state=connected subscribers=6 found=true').length;
	const before = count();
	fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({ text: 'status', sender: users[0], conversationId: OPS }),
	);
	await waitFor(() => count() === before + 1);
});

it('a card click runs the card branch (Card Update), and "end session" answers in the callback and starts a new session', async () => {
	fake.cards.set('card-e2e-1', {
		cardTemplateId: 'tpl',
		cardData: { lastAction: '' },
		openSpaceId: `dtv1.card//IM_ROBOT.${users[0]}`,
		streams: [],
		fieldValues: {},
		finalized: false,
		failed: false,
	});
	const click = (action: string) => {
		const value = JSON.stringify({ cardPrivateData: { actionIds: [action], params: { action } } });
		return fake.gateway.pushCallback('/v1.0/card/instances/callback', {
			userId: users[0],
			outTrackId: 'card-e2e-1',
			spaceId: DIRECT(users[0]),
			spaceType: 'im',
			type: 'actionCallback',
			corpId: 'dingfakecorp0001',
			userIdType: 1,
			content: value,
			value,
		});
	};
	click('like');
	await waitFor(() => fake.cards.get('card-e2e-1')?.cardData.lastAction === 'like');
	const ended = click('end_session');
	const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === ended));
	// The answer flow answers every click too; DingTalk gets both answers merged.
	expect(ack.data).toEqual({
		response: {
			cardData: {
				cardParamMap: {
					sessionNotice: 'Session ended. Your next message starts a new conversation.',
					status: 'answered end_session',
				},
			},
			cardUpdateOptions: { updateCardDataByKey: true },
		},
	});
	fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({ text: 'fresh start', sender: users[0] }),
	);
	await waitFor(() => replies().includes('You said: fresh start (new session: true)'));
});

it('Card → Answer Callback: the run answers the click, and the answer is the ACK DingTalk gets', async () => {
	fake.cards.set('card-answer-1', {
		cardTemplateId: 'tpl',
		cardData: { lastAction: '' },
		openSpaceId: `dtv1.card//IM_ROBOT.${users[1]}`,
		streams: [],
		fieldValues: {},
		finalized: false,
		failed: false,
	});
	const value = JSON.stringify({
		cardPrivateData: { actionIds: ['approve'], params: { action: 'approve' } },
	});
	const messageId = fake.gateway.pushCallback('/v1.0/card/instances/callback', {
		userId: users[1],
		outTrackId: 'card-answer-1',
		spaceId: DIRECT(users[1]),
		spaceType: 'im',
		type: 'actionCallback',
		corpId: 'dingfakecorp0001',
		userIdType: 1,
		content: value,
		value,
	});
	const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === messageId));
	expect(ack.code).toBe(200);
	expect(ack.data).toEqual({
		response: {
			cardData: { cardParamMap: { status: 'answered approve' } },
			cardUpdateOptions: { updateCardDataByKey: true },
		},
	});
});

describe('decision cards (Card → Send Decision Card, and the trigger deciding clicks)', () => {
	const [A, A2, B] = users;
	const cardAnswer = (cardParamMap: Record<string, string>) => ({
		cardData: { cardParamMap },
		cardUpdateOptions: { updateCardDataByKey: true },
	});
	const alreadyDecided = (by: string, statusText: string) => ({
		cardData: {
			cardParamMap: { decided: 'true', decision: 'approve', decidedBy: by, statusText },
		},
		userPrivateData: {
			cardParamMap: { notice: `Already decided by ${by}. 已由 ${by} 处理。` },
		},
		cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
	});
	const sendCard = async (to: string, approvers: string, task: string) => {
		const query = new URLSearchParams({ to, approvers, task });
		const text = await waitFor(async () => {
			const response = await fetch(`${server.baseUrl}/webhook/${DECISION_HOOK}?${query}`).catch(
				() => undefined,
			);
			return response?.status === 200 ? await response.text() : undefined;
		}, 60_000);
		return (JSON.parse(text) as { outTrackId: string }).outTrackId;
	};

	beforeAll(async () => {
		for (const id of [decisionSendFlow.id, decisionFlow.id]) {
			const { data: stored } = await server.rest<{ versionId: string }>('GET', `/workflows/${id}`);
			const activated = await server.rest('POST', `/workflows/${id}/activate`, {
				versionId: stored.versionId,
			});
			expect(activated.status).toBe(200);
		}
		await waitFor(() => server.logs.includes(streamListeningLine(decisionFlow.id)), 60_000);
	}, 120_000);

	it('a click by someone not listed starts no run and gets the notice; the approver decides once, named, with the context; a second click is answered "already decided"', async () => {
		const outTrackId = await sendCard(A, A, 't1');
		expect(outTrackId).toMatch(/^decision-/);

		const byB = await fake.clickCard({ outTrackId, userId: B, button: 'approve' });
		expect(byB.answer).toEqual({
			userPrivateData: {
				cardParamMap: {
					notice:
						'Only the listed approvers can decide this request. 只有指定的审批人可以处理此申请。',
				},
			},
			cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
		});
		expect(await server.executionCount(decisionFlow.id)).toBe(0);

		const byA = await fake.clickCard({ outTrackId, userId: A, button: 'approve' });
		const statusText = `Approved by ${A} (task t1)`;
		expect(byA.answer).toEqual(
			cardAnswer({ decided: 'true', decision: 'approve', decidedBy: A, statusText }),
		);
		await waitFor(async () => (await server.executionCount(decisionFlow.id)) === 1, 30_000);

		const again = await fake.clickCard({ outTrackId, userId: A, button: 'refuse' });
		expect(again.answer).toEqual(alreadyDecided(A, statusText));
		expect(fake.cards.get(outTrackId)?.cardData).toMatchObject({
			decided: 'true',
			decidedBy: A,
			statusText,
		});
		expect(await server.executionCount(decisionFlow.id)).toBe(1);
	});

	it('two approvers clicking at the same moment: exactly one run, and the other is told who decided', async () => {
		const runsBefore = await server.executionCount(decisionFlow.id);
		const outTrackId = await sendCard(A, `${A},${A2}`, 't2');
		const clicks = await Promise.all([
			fake.clickCard({ outTrackId, userId: A, button: 'approve' }),
			fake.clickCard({ outTrackId, userId: A2, button: 'approve' }),
		]);
		const decided = clicks.find((c) => !JSON.stringify(c.answer).includes('Already decided'));
		const told = clicks.find((c) => c !== decided);
		if (!decided || !told) throw new Error(`both clicks told the same: ${JSON.stringify(clicks)}`);
		const statusText = `Approved by ${decided.userId} (task t2)`;
		expect(decided.answer).toEqual(
			cardAnswer({ decided: 'true', decision: 'approve', decidedBy: decided.userId, statusText }),
		);
		expect(told.answer).toMatchObject({
			cardData: { cardParamMap: { decided: 'true', decidedBy: decided.userId } },
			userPrivateData: {
				cardParamMap: {
					notice: `Already decided by ${decided.userId}. 已由 ${decided.userId} 处理。`,
				},
			},
		});
		await waitFor(
			async () => (await server.executionCount(decisionFlow.id)) === runsBefore + 1,
			30_000,
		);
		expect(await server.executionCount(decisionFlow.id)).toBe(runsBefore + 1);
	});
});

it('aggregates a burst into one run, keeps the session within the timeout, starts a new one after it', async () => {
	const say = (text: string) =>
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			robotMessage({ text, sender: users[4], conversationId: AGGREGATE }),
		);
	const first = say('a');
	say('b');
	say('c');
	// ACK policy "Immediately": DingTalk hears back before the 1 s aggregation window has even closed.
	const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === first));
	expect(replies().some((r) => r.startsWith('AGG[a'))).toBe(false);
	expect(ack.at - fake.gateway.deliveries.find((d) => d.messageId === first)!.at).toBeLessThan(500);
	await waitFor(() => replies().includes('AGG[a\nb\nc] new=true parts=3'));
	say('d');
	await waitFor(() => replies().includes('AGG[d] new=false parts=1'));
	await new Promise((resolve) => setTimeout(resolve, 3500));
	say('e');
	await waitFor(() => replies().includes('AGG[e] new=true parts=1'));
	expect(replies().filter((r) => r.startsWith('AGG'))).toHaveLength(3);
});

it('connection events reach the second output: a drop alerts the group (disconnected, then connected)', async () => {
	const alerts = () =>
		fake.sentMessages
			.filter((m) => m.channel === 'group')
			.map((m) => (m.msgParam as { content: string }).content);
	const before = alerts().length;
	fake.gateway.drop(app.clientId);
	await waitFor(() => alerts().slice(before).includes('ALERT bot connected'), 30_000);
	expect(alerts().slice(before)).toContain('ALERT bot disconnected');
});

it('ACK after the run: a failed run is left un-ACKed, DingTalk redelivers, the second run replies', async () => {
	// The reply fails once: the session webhook answers garbage, then so does the OpenAPI fallback.
	fake.injectFault({ path: '/robot/sendBySession', kind: 'invalidJson' });
	fake.injectFault({ path: '/v1.0/robot/oToMessages/batchSend', kind: 'invalidJson' });
	const messageId = fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		robotMessage({ text: 'try again', sender: users[5] }),
	);
	await waitFor(() => replies().some((r) => r.startsWith('You said: try again')), 30_000);
	const deliveries = fake.gateway.deliveries.filter((d) => d.messageId === messageId);
	expect(deliveries.length).toBeGreaterThanOrEqual(2);
	const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === messageId));
	expect(ack.at).toBeGreaterThan(deliveries[1].at);
	expect(replies().filter((r) => r.includes('try again'))).toHaveLength(1);
});

it('1,000 messages through 100 dropped connections, in n8n: every message answered exactly once', async () => {
	const LOAD = 'cidLoadTest==';
	const total = 1000;
	const before = fake.sentMessages.length;
	let drops = 0;
	for (let i = 0; i < total; i++) {
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			robotMessage({ text: `load ${i}`, sender: users[6], conversationId: LOAD }),
		);
		if (i % 10 === 9) {
			drops += fake.gateway.drop(app.clientId);
			await waitFor(() => fake.gateway.liveConnections(app.clientId).length === 1, 30_000);
		}
	}
	const loadReplies = () =>
		fake.sentMessages
			.slice(before)
			.map((m) => (m.body as { text?: { content?: string } } | undefined)?.text?.content ?? '')
			.filter((text) => text.startsWith('LOAD '));
	await waitFor(() => new Set(loadReplies()).size === total, 240_000);
	await waitFor(() => fake.gateway.unacked().length === 0, 60_000);
	expect(drops).toBeGreaterThanOrEqual(100);
	expect(loadReplies()).toHaveLength(total);
	console.log(
		JSON.stringify({
			messages: total,
			drops,
			deliveries: fake.gateway.deliveries.length,
			redelivered: fake.gateway.deliveries.filter((d) => d.redelivery).length,
		}),
	);
}, 400_000);

it('Download Media: a picture and a file arrive as n8n binary data; a file over Max Media Size is not downloaded and the item says so', async () => {
	const picture = fake.addMedia(Buffer.alloc(1234, 7), 'image/png');
	const file = fake.addMedia(Buffer.from('%PDF-1.4 fake'), 'application/pdf');
	const send = (data: Record<string, unknown>) =>
		fake.gateway.pushCallback('/v1.0/im/bot/messages/get', {
			...robotMessage({ text: '', sender: users[7] }),
			text: undefined,
			...data,
		});
	send({ msgtype: 'picture', content: { downloadCode: picture, pictureDownloadCode: picture } });
	send({
		msgtype: 'file',
		content: { downloadCode: file, fileName: 'report.pdf', spaceId: 's', fileId: 'f' },
	});
	await waitFor(() =>
		replies().includes('You said:  (new session: true) media=picture-0.png:1234:image/png'),
	);
	await waitFor(() =>
		replies().includes(
			'You said: report.pdf (new session: false) media=report.pdf:13:application/pdf',
		),
	);
	expect(
		fake
			.requestsTo('/v1.0/robot/messageFiles/download')
			.map((r) => (r.body as { downloadCode: string }).downloadCode),
	).toEqual(expect.arrayContaining([picture, file]));
	// Max Media Size is 0.05 MB here: a larger file is not downloaded (whole or in part), and the run still starts.
	const sentBefore = fake.mediaBytesSent;
	const big = fake.addMedia(Buffer.alloc(64 * 1024 * 1024, 3), 'application/zip', {
		hideLength: true,
	});
	send({
		msgtype: 'file',
		content: { downloadCode: big, fileName: 'big.zip', spaceId: 's', fileId: 'g' },
	});
	await waitFor(() =>
		replies().includes(
			'You said: big.zip (new session: false) media=big.zip:undefined:none:tooLarge',
		),
	);
	// Socket buffers aside, the fake wrote a fraction of the file before n8n hung up.
	expect(fake.mediaBytesSent - sentBefore).toBeLessThan(24 * 1024 * 1024);
});

it('Download Media: a rich-text message with 25 pictures downloads the first 20 (Max Files per Message) and says 5 were skipped', async () => {
	const codes = Array.from({ length: 25 }, (_, i) =>
		fake.addMedia(Buffer.from(`picture ${i}`), 'image/png'),
	);
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', {
		...robotMessage({ text: '', sender: users[8] }),
		text: undefined,
		msgtype: 'richText',
		content: {
			richText: [
				{ text: 'many pictures' },
				...codes.map((code) => ({
					type: 'picture',
					downloadCode: code,
					pictureDownloadCode: code,
				})),
			],
		},
	});
	await waitFor(() =>
		replies().some(
			(reply) => reply.startsWith('You said: many pictures') && reply.endsWith(' skipped=5'),
		),
	);
	const reply = replies().find((r) => r.startsWith('You said: many pictures')) ?? '';
	expect((/media=(.*) skipped=5$/.exec(reply)?.[1] ?? '').split(',')).toEqual(
		codes.slice(0, 20).map((_, i) => `picture-${i}.png:${`picture ${i}`.length}:image/png`),
	);
	const fetched = fake
		.requestsTo('/v1.0/robot/messageFiles/download')
		.map((r) => (r.body as { downloadCode: string }).downloadCode)
		.filter((code) => codes.includes(code));
	expect(fetched.sort()).toEqual(codes.slice(0, 20).sort());
});

it('"Listen for test event": a manual run connects, takes one message, and closes its connection', async () => {
	expect(fake.gateway.liveConnections(manualApp.clientId)).toHaveLength(0);
	const started = await server.rest('POST', '/workflows/stManualFlow0001/run', {
		triggerToStartFrom: { name: 'DingTalk Trigger' },
	});
	expect(started.status).toBe(200);
	await waitFor(() => fake.gateway.liveConnections(manualApp.clientId).length === 1, 30_000);
	const message = robotMessage({ text: 'manual hello', sender: users[8] });
	fake.gateway.pushCallback(
		'/v1.0/im/bot/messages/get',
		{ ...message, robotCode: manualApp.robotCode },
		{ appId: manualApp.clientId },
	);
	await waitFor(() => replies().includes('MANUAL manual hello'));
	await waitFor(() => fake.gateway.liveConnections(manualApp.clientId).length === 0, 30_000);
	expect(fake.gateway.liveConnections(app.clientId)).toHaveLength(1); // the active workflows' connection is untouched
});

describe('lifecycle', () => {
	const lifeMessage = (text: string) => ({
		...robotMessage({ text, sender: users[9] ?? users[0], conversationId: 'cidLifecycle==' }),
		robotCode: lifeApp.robotCode,
	});

	it("deactivation starts no run for a message pending in the aggregation window; after reactivation DingTalk's redelivery runs it once", async () => {
		const messageId = fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			lifeMessage('pending at deactivation'),
			{ appId: lifeApp.clientId },
		);
		await waitFor(() => fake.gateway.deliveries.some((d) => d.messageId === messageId));
		const executionsBefore = await server.executionCount(lifeFlow.id);
		const deactivated = await server.rest('POST', `/workflows/${lifeFlow.id}/deactivate`, {});
		expect(deactivated.status).toBe(200);
		await waitFor(() => fake.gateway.liveConnections(lifeApp.clientId).length === 0, 30_000);
		// The 20 s window is still open: only a flush on close could start a run now. Left un-ACKed for redelivery.
		expect(fake.gateway.unacked()).toContain(messageId);
		const { data: stored } = await server.rest<{ versionId: string }>(
			'GET',
			`/workflows/${lifeFlow.id}`,
		);
		const activated = await server.rest('POST', `/workflows/${lifeFlow.id}/activate`, {
			versionId: stored.versionId,
		});
		expect(activated.status).toBe(200);
		await waitFor(() => replies().includes('LIFE[pending at deactivation]'), 60_000);
		// ACKed after the redelivery's run: by then a run a flush on close had started would have replied too.
		await waitFor(() => !fake.gateway.unacked().includes(messageId), 30_000);
		expect(replies().filter((r) => r.startsWith('LIFE['))).toHaveLength(1);
		expect(await server.executionCount(lifeFlow.id)).toBe(executionsBefore + 1);
	});

	it('a run parked in a Wait node: its message is ACKed after the Run Deadline (5 s), with a log line', async () => {
		const message = {
			...robotMessage({ text: 'wait for me', sender: users[0], conversationId: 'cidWait==' }),
			robotCode: waitApp.robotCode,
		};
		const messageId = fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message, {
			appId: waitApp.clientId,
		});
		const delivered = await waitFor(() =>
			fake.gateway.deliveries.find((d) => d.messageId === messageId),
		);
		const ack = await waitFor(
			() => fake.gateway.acks.find((a) => a.messageId === messageId),
			30_000,
		);
		expect(ack.at - delivered.at).toBeGreaterThanOrEqual(4_900);
		// Handled for DingTalk: no more redeliveries, while the run itself goes on waiting.
		expect(fake.gateway.unacked()).not.toContain(messageId);
		expect(server.logs).toMatch(/still runs after 5 s \(Run Deadline\)/);
	});

	it("a secret revoked after activation: after 3 refused reconnects n8n deactivates the workflow and shows DingTalk's error with the fix", async () => {
		const secret = lifeApp.clientSecret;
		const stored = fake.apps.find((a) => a.clientId === lifeApp.clientId)!;
		try {
			stored.clientSecret = 'revoked-in-the-developer-console';
			fake.gateway.drop(lifeApp.clientId);
			await waitFor(
				() =>
					server.logs.includes(
						'The trigger node "DingTalk Trigger" failed at runtime and was deactivated',
					),
				60_000,
			);
			// The error follows n8n's line in the log, possibly in a later chunk of its output.
			await waitFor(
				() =>
					/DingTalk refused this trigger's credential on every reconnect \(DingTalk error invalidClientIdOrSecret: [^)]*\)\. Check Client ID \(AppKey\) and Client Secret in the credential/.test(
						server.logs,
					),
				10_000,
			);
			// The workflow's activation error, which the editor shows on it.
			const { data: shown } = await server.rest<unknown>(
				'GET',
				`/active-workflows/error/${lifeFlow.id}`,
			);
			expect(JSON.stringify(shown)).toMatch(
				/DingTalk refused this trigger's credential.*Client Secret in the credential/,
			);
			// n8n 2.41.1 retries the activation 5 times over about 15 s, then leaves the trigger off.
			await waitFor(
				() => server.logs.includes('Failed to reactivate trigger node "DingTalk Trigger"'),
				60_000,
			);
			expect(fake.gateway.liveConnections(lifeApp.clientId)).toHaveLength(0);
		} finally {
			stored.clientSecret = secret;
		}
		// With the credential fixed, publishing the workflow again connects it.
		expect((await server.rest('POST', `/workflows/${lifeFlow.id}/deactivate`, {})).status).toBe(
			200,
		);
		const { data: current } = await server.rest<{ versionId: string }>(
			'GET',
			`/workflows/${lifeFlow.id}`,
		);
		expect(
			(
				await server.rest('POST', `/workflows/${lifeFlow.id}/activate`, {
					versionId: current.versionId,
				})
			).status,
		).toBe(200);
		await waitFor(() => fake.gateway.liveConnections(lifeApp.clientId).length === 1, 30_000);
	});
});

describe("another user of this n8n with the app's Client ID and a made-up secret", () => {
	const opens = () => fake.requestsTo('/v1.0/gateway/connections/open').length;
	const ownerConnection = () => fake.gateway.liveConnections(app.clientId).map((c) => c.id);
	/** The owner's workflow answers a direct message: the positive event before anything is judged. */
	const ownerAnswers = async (text: string) => {
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			robotMessage({ text, sender: users[0] }),
		);
		await waitFor(() => replies().some((r) => r.startsWith(`You said: ${text} (`)), 30_000);
	};
	/** Activates an imported workflow as the editor's Publish does; answers n8n's reply. */
	const activate = async (workflowId: string) => {
		const { data: stored } = await server.rest<{ versionId: string }>(
			'GET',
			`/workflows/${workflowId}`,
		);
		return await server.rest<unknown>('POST', `/workflows/${workflowId}/activate`, {
			versionId: stored.versionId,
		});
	};
	const callHook = async (hook: string) =>
		await waitFor(async () => {
			const response = await fetch(`${server.baseUrl}/webhook/${hook}`).catch(() => undefined);
			return response?.status === 200 ? await response.text() : undefined;
		}, 60_000);

	it("cannot activate a trigger on the owner's connection: the gateway's refusal is the error, and the workflow gets none of the owner's messages", async () => {
		const connectionBefore = ownerConnection();
		expect(connectionBefore).toHaveLength(1);
		const opensBefore = opens();
		// n8n 2.41.1 answers the Publish at once and activates the trigger in the background (retrying a failure a few
		// times), then reports "partially published" with each failed trigger's error: what the editor shows.
		expect((await activate(intruderFlow.id)).status).toBe(200);
		const shown = await waitFor(async () => {
			const { data } = await server.rest<unknown>(
				'GET',
				`/workflows/${intruderFlow.id}/publication-status`,
			);
			const text = JSON.stringify(data ?? null);
			return /invalidClientIdOrSecret/.test(text) ? text : undefined;
		}, 60_000);
		// DingTalk's own refusal, as for a wrong secret with nobody else connected, with the fix.
		expect(shown).toMatch(/无效的clientId或者clientSecret/);
		for (const secret of [INTRUDER_SECRET, app.clientSecret]) expect(shown).not.toContain(secret);
		// It asked the gateway (a connection of its own), it did not join the owner's.
		expect(opens()).toBeGreaterThan(opensBefore);
		expect(ownerConnection()).toEqual(connectionBefore);

		await ownerAnswers('Q4 salary list attached');
		await ownerAnswers('and a later message');
		expect(await server.executionCount(intruderFlow.id)).toBe(0);
		expect(replies().filter((r) => r.startsWith('INTRUDER'))).toEqual([]);
		expect(ownerConnection()).toEqual(connectionBefore);
	});

	it("Get Status finds nothing, Disconnect and Reconnect touch nothing: the owner's connection stays and answers; a copy of the owner's credential finds it", async () => {
		const connectionBefore = ownerConnection();
		expect(connectionBefore).toHaveLength(1);
		for (const f of [intruderOpsFlow, copyStatusFlow])
			expect((await activate(f.id)).status).toBe(200);
		const opensBefore = opens();
		const answered = JSON.parse(await callHook(INTRUDER_OPS_HOOK)) as Record<
			string,
			Record<string, unknown>
		>;
		for (const operation of ['getStatus', 'disconnect', 'reconnect']) {
			expect(answered[operation]).toMatchObject({
				found: false,
				clientId: app.clientId,
				instance: 'main',
				state: 'none',
			});
			// Nothing of the owner's connection: no counts, times or errors.
			expect(answered[operation]).not.toHaveProperty('subscribers');
			expect(answered[operation]).not.toHaveProperty('lastConnectedAt');
		}
		await ownerAnswers('still here after their disconnect');
		expect(ownerConnection()).toEqual(connectionBefore);
		expect(opens()).toBe(opensBefore);

		const copy = JSON.parse(await callHook(COPY_STATUS_HOOK)) as {
			getStatus: Record<string, unknown>;
		};
		expect(copy.getStatus).toMatchObject({ found: true, state: 'connected', subscribers: 6 });
	});
});

describe('organisation events', () => {
	const posts = (label: string) =>
		fake.sentMessages
			.filter((m) => m.channel === 'group' && m.robotCode === eventApp.robotCode)
			.map((m) => (m.msgParam as { content: string }).content)
			.filter((text) => text.startsWith(`${label} `));
	const eventSubscribed = (appId: string) =>
		fake.gateway
			.liveConnections(appId)
			.some((c) => c.subscriptions.some((x) => x.type === 'EVENT'));
	const activate = async (id: string) => {
		const { data: stored } = await server.rest<{ versionId: string }>('GET', `/workflows/${id}`);
		const activated = await server.rest('POST', `/workflows/${id}/activate`, {
			versionId: stored.versionId,
		});
		expect(activated.status).toBe(200);
	};
	const push = (eventType: string, data: unknown, eventId?: string) =>
		fake.gateway.pushEvent(eventType, data, { appId: eventApp.clientId, eventId });
	const settled = async (eventId: string) =>
		await waitFor(
			() =>
				fake.gateway.eventAcks.some((a) => a.eventId === eventId && a.status === 'SUCCESS') &&
				!fake.gateway.unackedEvents().includes(eventId),
			60_000,
		);

	it('bot-only apps subscribe no EVENT: an event pushed to them reaches no connection', async () => {
		expect(eventSubscribed(app.clientId)).toBe(false);
		expect(eventSubscribed(eventApp.clientId)).toBe(false);
		const lost = fake.gateway.pushEvent('bpms_instance_change', approvalEventData(), {
			appId: app.clientId,
		});
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(fake.gateway.eventDeliveries.filter((d) => d.eventId === lost)).toHaveLength(0);
		// DingTalk keeps it for a subscriber; none of these six workflows consumed it.
		expect(fake.gateway.unackedEvents()).toContain(lost);
	});

	it('activating the first events workflow re-registers the open connection with EVENT; a second one joins it', async () => {
		const opensBefore = fake
			.requestsTo('/v1.0/gateway/connections/open')
			.filter((r) => (r.body as { clientId: string }).clientId === eventApp.clientId).length;
		await activate(approvalFlow.id);
		await waitFor(() => eventSubscribed(eventApp.clientId), 60_000);
		await activate(approvalAuditFlow.id);
		await waitFor(
			() =>
				server.logs.includes(streamListeningLine(approvalAuditFlow.id)) &&
				server.logs.includes(streamListeningLine(approvalFlow.id)),
			60_000,
		);
		const opens = fake
			.requestsTo('/v1.0/gateway/connections/open')
			.filter((r) => (r.body as { clientId: string }).clientId === eventApp.clientId);
		expect(opens.length).toBeGreaterThan(opensBefore);
		expect((opens[opens.length - 1].body as { subscriptions: unknown[] }).subscriptions).toEqual([
			{ type: 'EVENT', topic: '*' },
			{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
			{ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
		]);
		expect(fake.gateway.liveConnections(eventApp.clientId)).toHaveLength(1);
	});

	it('an approval submitted, then approved: two runs of each workflow with the normalised fields; an unselected type starts none; the bot-only workflow sees no event', async () => {
		const instanceId = 'proc-inst-e2e-0001';
		const submitted = push(
			'bpms_instance_change',
			approvalEventData({ instanceId, type: 'start', title: 'Leave 张伟' }),
		);
		await settled(submitted);
		const approved = push(
			'bpms_instance_change',
			approvalEventData({ instanceId, type: 'finish', result: 'agree', title: 'Leave 张伟' }),
		);
		const joined = push('user_add_org', EVENT_FIXTURES.user_add_org());
		// Another form: the workflow filtered on PROC-LEAVE-0001 leaves it; the unfiltered one runs.
		const otherForm = push(
			'bpms_instance_change',
			approvalEventData({ instanceId: 'proc-inst-e2e-0002', processCode: 'PROC-TRIP-0001' }),
		);
		await Promise.all([settled(approved), settled(joined), settled(otherForm)]);
		await waitFor(() => posts('AUDIT').length === 3, 30_000);
		const created = '2025-12-01T00:00:00.000Z';
		const fields = {
			[submitted]: `start - ${instanceId} PROC-LEAVE-0001 manager0001 Leave 张伟 ${created} -`,
			[approved]: `finish agree ${instanceId} PROC-LEAVE-0001 manager0001 Leave 张伟 ${created} 2025-12-01T01:00:00.000Z`,
		};
		for (const [eventId, normalised] of Object.entries(fields))
			expect(posts('APPROVAL')).toContainEqual(
				expect.stringMatching(
					new RegExp(
						`^APPROVAL bpms_instance_change ${escape(normalised)} corp=dingfakecorp0001 born=\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z id=${eventId}$`,
					),
				),
			);
		expect(
			posts('APPROVAL')
				.map((p) => p.split(' id=')[1])
				.sort(),
		).toEqual([submitted, approved].sort());
		expect(
			posts('AUDIT')
				.map((p) => p.split(' id=')[1])
				.sort(),
		).toEqual([submitted, approved, otherForm].sort());
		// The employee-joined event: ACKed SUCCESS at once, since no active trigger takes it.
		const joinedAck = fake.gateway.eventAcks.find((a) => a.eventId === joined)!;
		const joinedDelivery = fake.gateway.eventDeliveries.find((d) => d.eventId === joined)!;
		expect(joinedAck.at - joinedDelivery.at).toBeLessThan(1000);
		expect([...posts('APPROVAL'), ...posts('AUDIT')].some((p) => p.includes(joined))).toBe(false);
		expect(posts('EVBOT')).toEqual([]);
		expect(await server.executionCount(eventBotFlow.id)).toBe(0);
	});

	it('a redelivered event (its ACK lost, and a duplicate after a SUCCESS) does not run twice', async () => {
		// The ACK reaches DingTalk after its 3 s push timeout: the event is pushed again while it runs or after.
		fake.gateway.ackDelayMs = 4000;
		const eventId = push(
			'bpms_instance_change',
			approvalEventData({ instanceId: 'proc-inst-e2e-0003', type: 'finish', result: 'refuse' }),
		);
		try {
			await waitFor(
				() => fake.gateway.eventDeliveries.filter((d) => d.eventId === eventId).length >= 2,
				30_000,
			);
			await settled(eventId);
		} finally {
			fake.gateway.ackDelayMs = 0;
		}
		// DingTalk's duplicate after a correct ACK (its FAQ: "even with ACK duplicates are possible").
		push(
			'bpms_instance_change',
			approvalEventData({ instanceId: 'proc-inst-e2e-0003', type: 'finish', result: 'refuse' }),
			eventId,
		);
		await settled(eventId);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(posts('APPROVAL').filter((p) => p.endsWith(`id=${eventId}`))).toHaveLength(1);
		expect(posts('AUDIT').filter((p) => p.endsWith(`id=${eventId}`))).toHaveLength(1);
	});

	it('a failed run: its event is ACKed LATER, pushed again, and runs once more; the workflow whose run succeeded does not run twice', async () => {
		// The first group post fails (whichever workflow sends it): that run fails.
		fake.injectFault({ path: '/v1.0/robot/groupMessages/send', kind: 'invalidJson' });
		const eventId = push(
			'bpms_instance_change',
			approvalEventData({ instanceId: 'proc-inst-e2e-0004', type: 'terminate' }),
		);
		await settled(eventId);
		const statuses = fake.gateway.eventAcks
			.filter((a) => a.eventId === eventId)
			.map((a) => a.status);
		expect(statuses[0]).toBe('LATER');
		expect(statuses[statuses.length - 1]).toBe('SUCCESS');
		expect(
			fake.gateway.eventDeliveries.filter((d) => d.eventId === eventId).length,
		).toBeGreaterThanOrEqual(2);
		await waitFor(
			() =>
				posts('APPROVAL').some((p) => p.endsWith(`id=${eventId}`)) &&
				posts('AUDIT').some((p) => p.endsWith(`id=${eventId}`)),
			30_000,
		);
		expect(posts('APPROVAL').filter((p) => p.endsWith(`id=${eventId}`))).toHaveLength(1);
		expect(posts('AUDIT').filter((p) => p.endsWith(`id=${eventId}`))).toHaveLength(1);
		// Three runs: the two first deliveries (one failed) and the failed workflow's second.
		const runs =
			(await server.executionCount(approvalFlow.id)) +
			(await server.executionCount(approvalAuditFlow.id));
		// Earlier cases: 2 + 3 runs, then 1 + 1; this event: both workflows, then the failed one again.
		expect(runs).toBe(2 + 3 + (1 + 1) + 3);
	});
});

/** A literal string as a regular expression. */
function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
