import {
	approvalEventData,
	badCallbackCases,
	DingTalkCallbackPusher,
	defaultFixture,
	EVENT_FIXTURES,
	FakeDingTalk,
	httpEventPayload,
	newEventId,
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
import {
	DINGTALK_BROWSER,
	sendAndWaitCards,
	sendAndWaitFlow as sharedSendAndWaitFlow,
	sendAndWaitReports,
} from '../harness/sendAndWait';
import {
	REFUSALS_WITHOUT_A_CASE,
	refusalKindsInCode,
	refusalKindsWithoutACase,
} from '../support/refusalKinds';

/**
 * The DingTalk Trigger in HTTP mode inside a running n8n: published workflows whose production webhook is the
 * callback URL; the test plays DingTalk (encrypts and signs callbacks), and checks n8n's answers, the runs, and the
 * replies at the fake DingTalk.
 */
const fixture = defaultFixture();
const app = fixture.apps[0];
const [group] = fixture.conversations;
const users = fixture.users.map((u) => u.userid);
const fake = new FakeDingTalk(fixture);
const pusher = new DingTalkCallbackPusher(app);
const server = new N8nServer();
const credential = {
	id: 'htHttpCred000001',
	name: 'DingTalk HTTP (fake)',
	type: 'dingTalkHttpApi',
};
const creds = { dingTalkHttpApi: { id: credential.id, name: credential.name } };

const trigger = (webhookId: string, parameters: Record<string, unknown>) =>
	triggerNode({ mode: 'http', webhookId, parameters, credentials: creds });
const dingTalk = dingTalkNodeFactory(creds, { authentication: 'httpApi' });

const AGGREGATE = 'cidHttpAggregate==';
const ECHO_HOOK = 'dingtalk-http-echo';
const AGGREGATE_HOOK = 'dingtalk-http-aggregate';

/** Messages → Reply; card clicks → Card Update. */
const echoFlow = flow(
	'htEchoWorkflow01',
	[
		trigger(ECHO_HOOK, {
			events: ['message', 'cardCallback'],
			options: {
				allowedConversationIds: [
					group.openConversationId,
					...users.map((u) => `cidDirect${u}==`),
				].join(','),
			},
		}),
		isMessageRouter(),
		dingTalk(
			'Reply',
			{
				resource: 'message',
				operation: 'reply',
				messageType: 'text',
				text: '=HTTP said: {{ $json.text }} (new session: {{ $json.isNewSession }})',
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

const aggregateFlow = flow(
	'htAggregateFlow1',
	[
		trigger(AGGREGATE_HOOK, {
			events: ['message'],
			options: { allowedConversationIds: AGGREGATE, aggregationWindow: 1, aggregationMaxWait: 5 },
		}),
		dingTalk(
			'Reply',
			{
				resource: 'message',
				operation: 'reply',
				messageType: 'text',
				text: '=HTTP AGG[{{ $json.text }}] parts={{ $json.parts.length }}',
			},
			300,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Reply')]] } },
);

const EVENTS_HOOK = 'dingtalk-http-events';
/** Organisation events of one approval form → a post in the group with the normalised fields. */
const eventsFlow = flow(
	'htEventsFlow0001',
	[
		trigger(EVENTS_HOOK, {
			events: ['orgEvent'],
			orgEventTypes: ['bpms_instance_change'],
			approvalProcessCodes: 'PROC-LEAVE-0001',
		}),
		dingTalk(
			'Post',
			{
				resource: 'message',
				operation: 'sendToGroup',
				openConversationId: fixture.conversations[1].openConversationId,
				messageType: 'text',
				text: "=HTTPEVENT {{ [$json.approval.type, $json.approval.result || '-', $json.approval.instanceId, $json.approval.processCode, $json.approval.originatorUserId, $json.approval.createdAt].join(' ') }} corp={{ $json.corpId }} id={{ $json.eventId }}",
			},
			300,
		),
	],
	{ 'DingTalk Trigger': { main: [[link('Post')]] } },
);

const STATUS_HOOK = 'dingtalk-http-status';
/** n8n's Webhook → DingTalk → Connection → Get Status (HTTP credential): runs in the server, which holds the triggers. */
const statusFlow = flow(
	'htStatusFlow0001',
	[
		{
			id: 'statusHook',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: STATUS_HOOK,
			parameters: { httpMethod: 'GET', path: STATUS_HOOK, responseMode: 'lastNode', options: {} },
		},
		dingTalk('Get Status', { resource: 'connection', operation: 'getStatus' }, 200),
	],
	{ Webhook: { main: [[link('Get Status')]] } },
);

/**
 * Send and Wait for Response in the same server: n8n's Webhook → DingTalk Send and Wait → Send to Group, whose text
 * reports what the waiting node output (the fake DingTalk records it). Approval to two users; a custom form
 * answered by POST; a group free-text wait whose limit ends it.
 */
const SW_APPROVAL_HOOK = 'dingtalk-sw-approval';
const SW_FORM_HOOK = 'dingtalk-sw-form';
const SW_LIMIT_HOOK = 'dingtalk-sw-limit';
const sendAndWaitFlow = (
	id: string,
	hook: string,
	tag: string,
	parameters: Record<string, unknown>,
) =>
	sharedSendAndWaitFlow({
		id,
		hook,
		tag,
		parameters,
		dingTalk,
		reportTo: group.openConversationId,
	});
const swApprovalFlow = sendAndWaitFlow('htSwApproval0001', SW_APPROVAL_HOOK, 'SW-APPROVAL', {
	sendTo: 'users',
	userIds: `${users[0]}, ${users[1]}`,
	approvalOptions: { values: { approvalType: 'double' } },
});
const swFormFlow = sendAndWaitFlow('htSwForm00000001', SW_FORM_HOOK, 'SW-FORM', {
	sendTo: 'users',
	userIds: users[2],
	responseType: 'customForm',
	formFields: {
		values: [
			{ fieldLabel: 'Reason', fieldType: 'text', requiredField: true },
			{ fieldLabel: 'Days', fieldType: 'number' },
		],
	},
});
// 0.01 minutes: due at once; n8n's wait tracker resumes it at its next poll (every 60 s).
const swLimitFlow = sendAndWaitFlow('htSwLimit0000001', SW_LIMIT_HOOK, 'SW-LIMIT', {
	sendTo: 'group',
	openConversationId: group.openConversationId,
	responseType: 'freeText',
	options: {
		limitWaitTime: {
			values: { limitType: 'afterTimeInterval', resumeAmount: 0.01, resumeUnit: 'minutes' },
		},
	},
});
const swFlows = [swApprovalFlow, swFormFlow, swLimitFlow];

/** The texts the Report nodes posted for a tag. */
const reports = (tag: string) => sendAndWaitReports(fake.sentMessages, tag);

/** Waits until a Report node posted for the tag. */
const reported = async (tag: string, timeoutMs = 30_000) =>
	await waitFor(() => {
		const found = reports(tag);
		return found.length ? found : undefined;
	}, timeoutMs);

/** The ActionCards a flow sent (one per user, or one in the group), with their button links. */
const cards = (title?: string) => sendAndWaitCards(fake.sentMessages, title);

/** n8n signs the link for WEBHOOK_URL's host (localhost here); the test reaches the same path on 127.0.0.1. */
const onServer = (link: string) => server.local(link);
const BROWSER = DINGTALK_BROWSER;

const executionsOf = async (workflowId: string) => await server.executions(workflowId);
const waitingExecution = async (workflowId: string) =>
	await waitFor(async () => (await executionsOf(workflowId)).find((e) => e.status === 'waiting'));
/** Calls the flow's Webhook; until n8n activated it, the answer is 404 and nothing runs. */
const startFlow = async (hook: string) =>
	await waitFor(
		async () =>
			(await fetch(`${server.baseUrl}/webhook/${hook}?ticket=7`)
				.then((r) => r.status)
				.catch(() => 0)) === 200,
		60_000,
	);
let limitStartedAt = 0;
let limitLink = '';
/** The limit flow's form page, fetched while it waited. */
let limitPage = '';

const url = (hook: string) => `${server.baseUrl}/webhook/${hook}/callback`;
const send = (hook: string, callback: ReturnType<typeof pusher.encrypted>) =>
	DingTalkCallbackPusher.send(url(hook), callback);
const robotMessage = (opts: {
	text: string;
	sender: string;
	group?: boolean;
	mention?: boolean;
	msgId?: string;
	conversationId?: string;
}) => fakeRobotMessage(fake, { ...opts, senderStaffId: opts.sender });
const replies = () =>
	fake.sentMessages
		.filter((m) => m.channel === 'session')
		.map((m) => (m.body as { text: { content: string } }).text.content);

const executionCount = async (workflowId: string) => await server.executionCount(workflowId);
/**
 * Waits until no run of the workflow is in progress, then counts its runs: a run something had started by then has
 * finished (and sent its reply), so what did not happen can be checked after it.
 */
const settledExecutionCount = async (workflowId: string) =>
	(
		await waitFor(async () =>
			(await executionsOf(workflowId)).some((e) => e.status === 'new' || e.status === 'running')
				? undefined
				: { count: await executionCount(workflowId) },
		)
	).count;

beforeAll(async () => {
	await fake.start();
	await importCredentials([{ ...credential, data: fake.httpAppConfig() }]);
	const flows = [echoFlow, aggregateFlow, statusFlow, eventsFlow, ...swFlows];
	await importWorkflows(flows);
	for (const f of flows) {
		const published = await runN8n(['publish:workflow', `--id=${f.id}`]);
		if (published.code !== 0) throw new Error(published.stdout + published.stderr);
	}
	await server.start();
	await server.setupOwner();
	// Published workflows are activated after start: wait until both webhooks answer.
	for (const hook of [ECHO_HOOK, AGGREGATE_HOOK, EVENTS_HOOK]) {
		await waitFor(
			async () =>
				(await fetch(url(hook))
					.then((r) => r.status)
					.catch(() => 0)) === 200,
			60_000,
		);
	}
	// Started first, checked last: the wait tracker's next poll (≤ 60 s) then costs the suite no extra time.
	limitStartedAt = Date.now();
	await startFlow(SW_LIMIT_HOOK);
	await waitingExecution(swLimitFlow.id);
	limitLink = (await waitFor(() => cards()[0]?.param.singleURL)) as string;
	limitPage = await (await fetch(onServer(limitLink), { headers: BROWSER })).text();
});

afterAll(async () => {
	await server.stop();
	await fake.stop();
	for (const secret of [
		app.clientSecret,
		app.callbackAesKey as string,
		app.callbackToken as string,
	])
		expect(server.logs).not.toContain(secret);
});

it('GET on the callback URL answers plain "success" (DingTalk\'s reachability check)', async () => {
	const response = await fetch(url(ECHO_HOOK));
	expect(response.status).toBe(200);
	expect(await response.text()).toBe('success');
});

it('check_url is answered with an encrypted "success" DingTalk can verify, and starts no run', async () => {
	const before = await settledExecutionCount(echoFlow.id);
	const answer = await send(ECHO_HOOK, pusher.encrypted({ EventType: 'check_url' }));
	expect(answer.status).toBe(200);
	expect(pusher.readAnswer(answer.json)).toBe('success');
	expect(await settledExecutionCount(echoFlow.id)).toBe(before);
});

it('an encrypted direct message runs the workflow; the reply arrives at DingTalk', async () => {
	const answer = await send(
		ECHO_HOOK,
		pusher.encrypted(robotMessage({ text: 'hello over http', sender: users[0] })),
	);
	expect(answer.status).toBe(200);
	expect(pusher.readAnswer(answer.json)).toBe('success');
	await waitFor(() => replies().includes('HTTP said: hello over http (new session: true)'));
});

it('a signed plain robot callback (robot HTTP mode) runs too, in the same session', async () => {
	const answer = await send(
		ECHO_HOOK,
		pusher.signed(robotMessage({ text: 'plain one', sender: users[0] })),
	);
	expect(answer.status).toBe(200);
	await waitFor(() => replies().includes('HTTP said: plain one (new session: false)'));
});

it('group messages run only when they @mention the bot', async () => {
	const before = await settledExecutionCount(echoFlow.id);
	await send(
		ECHO_HOOK,
		pusher.encrypted(robotMessage({ text: 'not for the bot', sender: users[1], group: true })),
	);
	await send(
		ECHO_HOOK,
		pusher.encrypted(
			robotMessage({ text: 'for the bot', sender: users[1], group: true, mention: true }),
		),
	);
	await waitFor(() => replies().includes('HTTP said: for the bot (new session: true)'));
	// Once the mentioned message's run and any other are over: one run, and no reply to the unmentioned message.
	expect(await settledExecutionCount(echoFlow.id)).toBe(before + 1);
	expect(replies().some((r) => r.includes('not for the bot'))).toBe(false);
});

it('a message delivered twice (same msgId, new nonce) starts one run', async () => {
	const before = await settledExecutionCount(echoFlow.id);
	const message = robotMessage({ text: 'only once', sender: users[2] });
	const first = await send(ECHO_HOOK, pusher.encrypted(message));
	const second = await send(ECHO_HOOK, pusher.encrypted(message));
	expect([first.status, second.status]).toEqual([200, 200]);
	// A later message of the same sender replies after both deliveries were handled.
	await send(
		ECHO_HOOK,
		pusher.encrypted(robotMessage({ text: 'after the twice', sender: users[2] })),
	);
	await waitFor(() => replies().includes('HTTP said: after the twice (new session: false)'));
	expect(await settledExecutionCount(echoFlow.id)).toBe(before + 2);
	expect(replies().filter((r) => r.includes('only once'))).toEqual([
		'HTTP said: only once (new session: true)',
	]);
});

describe('organisation events', () => {
	const posts = () =>
		fake.sentMessages
			.filter((m) => m.channel === 'group')
			// Send and Wait posts cards to groups too: only text messages have a content.
			.map((m) => (m.msgParam as { content?: unknown } | undefined)?.content)
			.filter((text): text is string => typeof text === 'string' && text.startsWith('HTTPEVENT '));
	const pushEvent = async (hook: string, payload: Record<string, unknown>) => {
		const answer = await send(hook, pusher.encrypted(payload));
		expect(answer.status).toBe(200);
		expect(pusher.readAnswer(answer.json)).toBe('success');
		return answer;
	};

	it('an approval submitted, then approved (current and legacy fields): answered "success" at once, two runs with the normalised fields; an unselected type starts none', async () => {
		const before = await executionCount(eventsFlow.id);
		const instanceId = 'proc-inst-http-0001';
		const submittedId = newEventId();
		await pushEvent(
			EVENTS_HOOK,
			httpEventPayload('bpms_instance_change', approvalEventData({ instanceId, type: 'start' }), {
				eventId: submittedId,
			}),
		);
		// A legacy push: capitalised meta and no eventId of its own.
		await pushEvent(
			EVENTS_HOOK,
			httpEventPayload(
				'bpms_instance_change',
				approvalEventData({ instanceId, type: 'finish', result: 'agree' }),
				{ legacy: true },
			),
		);
		await pushEvent(
			EVENTS_HOOK,
			httpEventPayload('user_add_org', EVENT_FIXTURES.user_add_org(), { legacy: true }),
		);
		await waitFor(() => posts().length === 2, 30_000);
		const created = '2025-12-01T00:00:00.000Z';
		expect(posts()).toEqual(
			expect.arrayContaining([
				`HTTPEVENT start - ${instanceId} PROC-LEAVE-0001 manager0001 ${created} corp=dingfakecorp0001 id=${submittedId}`,
				expect.stringMatching(
					new RegExp(
						`^HTTPEVENT finish agree ${instanceId} PROC-LEAVE-0001 manager0001 ${created} corp=dingfakecorp0001 id=sha1-[0-9a-f]{40}$`,
					),
				),
			]),
		);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(await executionCount(eventsFlow.id)).toBe(before + 2);
	});

	it("DingTalk's retry of an event (re-encrypted, same eventId; a legacy one without any) starts no second run", async () => {
		const before = await executionCount(eventsFlow.id);
		const eventId = newEventId();
		const event = httpEventPayload(
			'bpms_instance_change',
			approvalEventData({ instanceId: 'proc-inst-http-0002', type: 'terminate' }),
			{ eventId },
		);
		const legacy = httpEventPayload(
			'bpms_instance_change',
			approvalEventData({ instanceId: 'proc-inst-http-0003', type: 'finish', result: 'refuse' }),
			{ legacy: true },
		);
		await pushEvent(EVENTS_HOOK, event);
		await pushEvent(EVENTS_HOOK, legacy);
		await pushEvent(EVENTS_HOOK, event);
		await pushEvent(EVENTS_HOOK, legacy);
		await waitFor(
			() =>
				posts().some((p) => p.includes('proc-inst-http-0002')) &&
				posts().some((p) => p.includes('proc-inst-http-0003')),
			30_000,
		);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(posts().filter((p) => p.includes('proc-inst-http-0002'))).toHaveLength(1);
		expect(posts().filter((p) => p.includes('proc-inst-http-0003'))).toHaveLength(1);
		expect(await executionCount(eventsFlow.id)).toBe(before + 2);
	});

	it('a bot-only workflow answers an event pushed to its URL with "success" and starts no run', async () => {
		const before = await executionCount(echoFlow.id);
		await pushEvent(
			ECHO_HOOK,
			httpEventPayload('bpms_instance_change', approvalEventData(), { eventId: newEventId() }),
		);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(await executionCount(echoFlow.id)).toBe(before);
	});
});

it('a signed card click runs the card branch; "end session" is answered with the notice', async () => {
	fake.cards.set('card-http-1', {
		cardTemplateId: 'tpl',
		cardData: { lastAction: '' },
		openSpaceId: `dtv1.card//IM_ROBOT.${users[3]}`,
		streams: [],
		fieldValues: {},
		finalized: false,
		failed: false,
	});
	const click = (action: string) => {
		const value = JSON.stringify({ cardPrivateData: { actionIds: [action], params: { action } } });
		return {
			userId: users[3],
			outTrackId: 'card-http-1',
			spaceId: `cidDirect${users[3]}==`,
			spaceType: 'im',
			type: 'actionCallback',
			corpId: 'dingfakecorp0001',
			userIdType: 1,
			content: value,
			value,
		};
	};
	const like = await send(ECHO_HOOK, pusher.signed(click('like')));
	expect(like.status).toBe(200);
	expect(like.json).toEqual({});
	await waitFor(() => fake.cards.get('card-http-1')?.cardData.lastAction === 'like');
	const end = await send(ECHO_HOOK, pusher.signed(click('end_session')));
	expect(end.json).toEqual({
		cardData: {
			cardParamMap: {
				sessionNotice: 'Session ended. Your next message starts a new conversation.',
			},
		},
		cardUpdateOptions: { updateCardDataByKey: true },
	});
	await waitFor(() => fake.cards.get('card-http-1')?.cardData.lastAction === 'end_session');
	const encrypted = await send(ECHO_HOOK, pusher.encrypted(click('dislike')));
	expect(pusher.readAnswer(encrypted.json)).toBe('success');
	await waitFor(() => fake.cards.get('card-http-1')?.cardData.lastAction === 'dislike');
});

it.each(['shiftedDigits', 'movedPadding'] as const)(
	'a card click replayed with %s (signature intact) is refused and starts no second run',
	async (how) => {
		const outTrackId = `card-http-${how}`;
		fake.cards.set(outTrackId, {
			cardTemplateId: 'tpl',
			cardData: { lastAction: '' },
			openSpaceId: `dtv1.card//IM_ROBOT.${users[3]}`,
			streams: [],
			fieldValues: {},
			finalized: false,
			failed: false,
		});
		const value = JSON.stringify({
			cardPrivateData: { actionIds: ['approve'], params: { action: `approve-${how}` } },
		});
		const click = {
			userId: users[3],
			outTrackId,
			spaceId: `cidDirect${users[3]}==`,
			spaceType: 'im',
			type: 'actionCallback',
			corpId: 'dingfakecorp0001',
			userIdType: 1,
			content: value,
			value,
		};
		const { original, replay } = pusher.reshapedReplay(click, how);
		expect(replay.query.msg_signature).toBe(original.query.msg_signature);
		const before = await executionCount(echoFlow.id);
		expect((await send(ECHO_HOOK, original)).status).toBe(200);
		await waitFor(async () => (await executionCount(echoFlow.id)) === before + 1);
		await waitFor(() => fake.cards.get(outTrackId)?.cardData.lastAction === `approve-${how}`);
		const card = fake.cards.get(outTrackId);
		if (card) card.cardData.lastAction = '';
		const refused = await send(ECHO_HOOK, replay);
		expect(refused.status).toBe(400);
		expect(await settledExecutionCount(echoFlow.id)).toBe(before + 1);
		expect(fake.cards.get(outTrackId)?.cardData.lastAction).toBe('');
	},
);

it('a card click whose first ciphertext block a Callback Token holder flipped (and signed again) is answered and starts no second run', async () => {
	const outTrackId = 'card-http-flipped';
	fake.cards.set(outTrackId, {
		cardTemplateId: 'tpl',
		cardData: { lastAction: '' },
		openSpaceId: `dtv1.card//IM_ROBOT.${users[3]}`,
		streams: [],
		fieldValues: {},
		finalized: false,
		failed: false,
	});
	// DingTalk's own field order: `extension` first, which the flip renames (Xxtension) and the event still reads.
	const click = (action: string) => {
		const value = JSON.stringify({
			cardPrivateData: { actionIds: ['approve'], params: { action } },
		});
		return {
			extension: '{}',
			corpId: 'dingfakecorp0001',
			spaceType: 'im',
			userIdType: 1,
			type: 'actionCallback',
			userId: users[3],
			content: value,
			spaceId: `cidDirect${users[3]}==`,
			outTrackId,
			value,
		};
	};
	const { original, replay, decrypted } = pusher.flippedReplay(click('approve-flipped'));
	expect(decrypted).toContain('"Xxtension"');
	const before = await executionCount(echoFlow.id);
	expect((await send(ECHO_HOOK, original)).status).toBe(200);
	await waitFor(async () => (await executionCount(echoFlow.id)) === before + 1);
	await waitFor(() => fake.cards.get(outTrackId)?.cardData.lastAction === 'approve-flipped');
	// Held, not refused: answered with the encrypted success a redelivery by DingTalk gets, and not run.
	const held = await send(ECHO_HOOK, replay);
	expect(held.status).toBe(200);
	expect(pusher.readAnswer(held.json)).toBe('success');
	// A later, different click runs: once it has, the replay had every chance to run before it.
	expect((await send(ECHO_HOOK, pusher.encrypted(click('after-the-replay')))).status).toBe(200);
	await waitFor(() => fake.cards.get(outTrackId)?.cardData.lastAction === 'after-the-replay');
	await waitFor(async () => (await executionCount(echoFlow.id)) === before + 2);
	expect(await executionCount(echoFlow.id)).toBe(before + 2);
	expect(server.logs).toMatch(
		/callback card-\w+ carries an event already received; answered, not run/,
	);
});

it('aggregates a burst sent over HTTP into one run', async () => {
	for (const text of ['one', 'two', 'three']) {
		const answer = await send(
			AGGREGATE_HOOK,
			pusher.encrypted(robotMessage({ text, sender: users[4], conversationId: AGGREGATE })),
		);
		expect(answer.status).toBe(200);
	}
	await waitFor(() => replies().includes('HTTP AGG[one\ntwo\nthree] parts=3'));
});

it('"Listen for test event": the test URL takes an encrypted callback and runs the workflow once', async () => {
	const started = await server.rest<{ waitingForWebhook?: boolean }>(
		'POST',
		`/workflows/${echoFlow.id}/run`,
		{ triggerToStartFrom: { name: 'DingTalk Trigger' } },
	);
	expect(started.status).toBe(200);
	expect(started.data.waitingForWebhook).toBe(true);
	const testUrl = `${server.baseUrl}/webhook-test/${ECHO_HOOK}/callback`;
	const answer = await DingTalkCallbackPusher.send(
		testUrl,
		pusher.encrypted(robotMessage({ text: 'via the test url', sender: users[7] })),
	);
	expect(answer.status).toBe(200);
	expect(pusher.readAnswer(answer.json)).toBe('success');
	await waitFor(() => replies().includes('HTTP said: via the test url (new session: true)'));
	// The manual run finishes (it does not hang waiting for the trigger).
	await waitFor(async () => {
		const { data } = await server.rest<{ results: Array<{ mode: string; status: string }> }>(
			'GET',
			`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: echoFlow.id }))}`,
		);
		return data.results.some((e) => e.mode === 'manual' && e.status === 'success');
	});
});

it('an event that cannot be read is refused before the 200 and starts no run; wrongly typed fields are normalised and run', async () => {
	const unreadableClick = {
		userId: users[3],
		outTrackId: 'card-http-1',
		spaceId: `cidDirect${users[3]}==`,
		spaceType: 'im',
		type: 'actionCallback',
		content: '{not json',
		value: '{not json',
	};
	const refused = await send(ECHO_HOOK, pusher.signed(unreadableClick));
	expect([refused.status, refused.json]).toEqual([400, { error: 'unreadable event' }]);
	expect(server.logs).toContain(
		'DingTalk Trigger: refused a callback (400 unreadable event: card callback whose value is not a JSON object)',
	);
	// These used to throw inside the pipeline after DingTalk had its 200: the message was lost without a trace.
	const typedWrongly = {
		...robotMessage({ text: 'typed wrongly', sender: users[1] }),
		atUsers: 'x',
		senderNick: ['x'],
		conversationTitle: { a: 1 },
		createAt: { a: 1 },
		isInAtList: 'yes',
	};
	const answer = await send(ECHO_HOOK, pusher.encrypted(typedWrongly));
	expect(answer.status).toBe(200);
	await waitFor(() => replies().includes('HTTP said: typed wrongly (new session: true)'));
});

/** What the trigger answered the last bad-input case: Get Status must report it as the last refusal. */
let lastRefusal: { status: number; reason?: unknown } | undefined;

describe('bad input: refused with a 4xx and a short reason, no run, nothing leaked, and the trigger keeps serving', () => {
	const cases = badCallbackCases(pusher, () =>
		robotMessage({ text: 'must never run', sender: users[5] }),
	);
	let runsBefore = 0;
	let repliesBefore = 0;
	/** What n8n answered each decryption failure: status and body, byte for byte. */
	const decryptionAnswers = new Map<string, string>();

	beforeAll(async () => {
		// At rest: every earlier run finished and replied.
		runsBefore = await settledExecutionCount(echoFlow.id);
		repliesBefore = replies().length;
	});

	it('has a case for every refusal the trigger can answer (read from its code)', () => {
		expect(refusalKindsInCode().length).toBeGreaterThanOrEqual(25);
		expect(refusalKindsWithoutACase(cases)).toEqual(Object.keys(REFUSALS_WITHOUT_A_CASE).sort());
	});

	it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, badCase) => {
		if (badCase.before) expect((await send(ECHO_HOOK, badCase.before())).status).toBe(200);
		const answer = await send(ECHO_HOOK, badCase.request());
		expect(answer.status).toBe(badCase.status);
		lastRefusal = { status: answer.status, reason: answer.json?.error };
		if (badCase.decryption) decryptionAnswers.set(badCase.name, `${answer.status} ${answer.text}`);
		else expect(answer.text.toLowerCase()).toContain(badCase.reason.toLowerCase());
		for (const secret of [
			app.clientSecret,
			app.callbackAesKey as string,
			app.callbackToken as string,
		])
			expect(answer.text).not.toContain(secret);
	});

	it('every decryption failure, the AppKey mismatch included, got one byte-identical answer (no padding oracle)', () => {
		expect(decryptionAnswers.size).toBe(cases.filter((c) => c.decryption).length);
		expect(decryptionAnswers.size).toBeGreaterThanOrEqual(9);
		expect(new Set(decryptionAnswers.values())).toEqual(
			new Set(['400 {"error":"cannot decrypt"}']),
		);
	});

	it('none of them started a run or sent anything, and a good callback still works', async () => {
		expect(runsBefore).toBeGreaterThanOrEqual(6); // the runs of the tests above are counted
		await send(
			ECHO_HOOK,
			pusher.encrypted(robotMessage({ text: 'still serving', sender: users[6] })),
		);
		await waitFor(() => replies().includes('HTTP said: still serving (new session: true)'));
		// After the good callback's reply, with no run in progress: its run is the only one, its reply the only one.
		expect(await settledExecutionCount(echoFlow.id)).toBe(runsBefore + 1);
		expect(replies().slice(repliesBefore)).toEqual([
			'HTTP said: still serving (new session: true)',
		]);
		expect(replies().some((r) => r.includes('must never run'))).toBe(false);
	});

	it("n8n's log says why each was refused (the lines README → Troubleshooting quotes)", () => {
		for (const line of [
			'DingTalk Trigger: refused a callback (401 signature mismatch)',
			'DingTalk Trigger: refused a callback (400 cannot decrypt): the callback was encrypted for another app (AppKey mismatch)',
			'DingTalk Trigger: refused a callback (400 cannot decrypt): bad padding (wrong AES key?)',
			'DingTalk Trigger: refused a callback (409 already received (replay))',
			'DingTalk Trigger: refused a callback (401 timestamp too old)',
		]) {
			expect(server.logs).toContain(line);
		}
	});
});

it('Connection → Get Status with the HTTP credential, run in the server, reports these callbacks and no secret', async () => {
	const response = await fetch(`${server.baseUrl}/webhook/${STATUS_HOOK}`);
	const text = await response.text();
	expect(response.status).toBe(200);
	for (const secret of [
		app.clientSecret,
		app.callbackAesKey as string,
		app.callbackToken as string,
	])
		expect(text).not.toContain(secret);
	const status = JSON.parse(text) as {
		triggers: Array<{ callbackUrl: string; lastCallbackAt: string } & Record<string, unknown>>;
	};
	expect(status).toMatchObject({
		found: true,
		mode: 'http',
		clientId: app.clientId,
		instance: 'main',
		state: 'active',
	});
	const paths = status.triggers.map((t) => new URL(t.callbackUrl).pathname);
	// The suites share one n8n user folder: HTTP-mode flows of the same app that an earlier suite published (the
	// Digital Expert HTTP flow) are active here too and listed as well.
	expect(paths).toEqual(
		expect.arrayContaining([
			`/webhook/${AGGREGATE_HOOK}/callback`,
			`/webhook/${ECHO_HOOK}/callback`,
		]),
	);
	expect(paths.every((p) => /^\/webhook\/[\w-]+\/callback$/.test(p))).toBe(true);
	const echo = status.triggers[paths.indexOf(`/webhook/${ECHO_HOOK}/callback`)];
	expect(lastRefusal).toEqual({ status: 400, reason: 'unsupported event type' });
	expect(echo).toMatchObject({
		tokenSet: true,
		aesKeySet: true,
		aesKeyValid: true,
		encryptedCallbacks: true,
		lastCallbackSignature: 'SHA-1',
		lastRefusal: lastRefusal,
	});
	// The last accepted one is "still serving", a few seconds ago.
	expect(Date.now() - Date.parse(echo.lastCallbackAt)).toBeLessThan(120_000);
	expect(echo.callbacksAccepted).toBeGreaterThanOrEqual(10);
	expect(echo.callbacksRefused).toBeGreaterThanOrEqual(30);
});

describe('Send and Wait for Response (the execution waits; a signed link resumes it once)', () => {
	it('approval to two users: each gets a card whose signed links name them; forged and unsigned links are refused; the click resumes with the answer and who gave it; a second answer is refused', async () => {
		await startFlow(SW_APPROVAL_HOOK);
		const execution = await waitingExecution(swApprovalFlow.id);
		const sent = await waitFor(() => (cards().length >= 3 ? cards() : undefined));
		const perUser = sent.filter((card) => card.channel === 'oto');
		expect(perUser.map((card) => [card.userIds, card.msgKey])).toEqual([
			[[users[0]], 'sampleActionCard6'],
			[[users[1]], 'sampleActionCard6'],
		]);
		const [decline, approve] = [perUser[1].param.buttonUrl1, perUser[1].param.buttonUrl2];
		expect(new URL(approve).pathname).toBe(`/webhook-waiting/${execution.id}/Ask`);
		expect(Object.fromEntries(new URL(decline).searchParams)).toEqual({
			approved: 'false',
			user: users[1],
			signature: expect.stringMatching(/^[0-9a-f]{64}$/),
		});

		// Forged: another user (or answer) under the same signature; unsigned: no signature at all.
		const forged = new URL(onServer(approve));
		forged.searchParams.set('user', users[0]);
		const unsigned = new URL(onServer(approve));
		unsigned.searchParams.delete('signature');
		for (const link of [forged, unsigned]) {
			const refused = await fetch(link, { headers: BROWSER });
			expect(refused.status).toBe(401);
			expect(await refused.text()).toContain('Invalid Form Link');
		}
		expect((await waitingExecution(swApprovalFlow.id)).id).toBe(execution.id);

		const answered = await fetch(onServer(approve), { headers: BROWSER });
		expect(answered.status).toBe(200);
		expect(answered.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
		expect(await answered.text()).toContain('Got it, thanks');
		const [report] = await reported('SW-APPROVAL');
		expect(report).toEqual({
			data: { approved: true, respondedAt: expect.any(String) },
			respondent: { userId: users[1] },
			query: null,
		});
		await waitFor(async () =>
			(await executionsOf(swApprovalFlow.id)).every((e) => e.status === 'success'),
		);

		// The other user's Decline after the run ended: n8n's own page, no second run, the output unchanged.
		const late = await fetch(onServer(perUser[0].param.buttonUrl1), { headers: BROWSER });
		expect(await late.text()).toContain('No action required');
		// n8n answers so only once it found no execution waiting for the link: none resumed, none started.
		expect(await settledExecutionCount(swApprovalFlow.id)).toBe(1);
		expect(reports('SW-APPROVAL')).toEqual([report]);
	});

	it('custom form: the link opens our form page; a multipart POST resumes with the fields under their labels', async () => {
		await startFlow(SW_FORM_HOOK);
		await waitingExecution(swFormFlow.id);
		const [card] = await waitFor(() => {
			const found = cards().filter((c) => c.userIds?.[0] === users[2]);
			return found.length ? found : undefined;
		});
		expect(card.msgKey).toBe('sampleActionCard');
		const link = onServer(card.param.singleURL);
		const page = await fetch(link, { headers: BROWSER });
		expect(page.headers.get('content-security-policy')).toMatch(/form-action 'self'/);
		const html = await page.text();
		expect(html).toContain('enctype="multipart/form-data"');
		expect(html).toContain('Reason *');

		const refused = await fetch(link, {
			method: 'POST',
			headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
			body: 'field-0=x',
		});
		expect(refused.status).toBe(415);
		const form = new FormData();
		form.append('field-0', 'audit <b>');
		form.append('field-1', '3');
		const answered = await fetch(link, { method: 'POST', headers: BROWSER, body: form });
		expect(answered.status).toBe(200);
		const [report] = await reported('SW-FORM');
		expect(report).toMatchObject({
			data: { Reason: 'audit <b>', Days: 3, respondedAt: expect.any(String) },
			respondent: { userId: users[2] },
		});
	});

	it('the wait limit ends a group wait nobody answered: the node outputs its input unchanged, as n8n does', async () => {
		expect(limitPage).toContain('<textarea');
		const [report] = await reported(
			'SW-LIMIT',
			Math.max(5_000, limitStartedAt + 75_000 - Date.now()),
		);
		expect(report).toEqual({ data: null, respondent: null, query: { ticket: '7' } });
		// While the run is still being saved, n8n answers 409; once it ended, its own page.
		await waitFor(async () =>
			(await executionsOf(swLimitFlow.id)).every((e) => e.status === 'success'),
		);
		const late = await fetch(onServer(limitLink), { headers: BROWSER });
		expect(await late.text()).toContain('No action required');
	});
});
