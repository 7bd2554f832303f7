import { defaultFixture, FakeDingTalk } from '../fake-dingtalk';
import { importCredentials, importWorkflows, runN8n } from './n8n';
import { PACKAGE_PREFIX } from './paths';
import { N8nServer } from './server';

/**
 * The DingTalk Trigger in Stream mode inside a running n8n: published workflows (trigger → Reply) connect to the
 * fake gateway; the gateway pushes robot messages; replies arrive at the fake DingTalk, and ACKs follow the runs.
 */
const fixture = defaultFixture();
const app = fixture.apps[0];
const [group] = fixture.conversations;
const users = fixture.users.map((u) => u.userid);
const fake = new FakeDingTalk(fixture);
const server = new N8nServer();
const credential = { id: 'stStreamCred0001', name: 'DingTalk Stream (fake)', type: 'dingTalkStreamApi' };
const CHATBOT = '$:LWCP_v1:$botUserId==';

function replyWorkflow(id: string, triggerParameters: Record<string, unknown>, replyText: string) {
	return {
		id,
		name: id,
		active: false,
		nodes: [
			{
				id: `${id}-t`,
				name: 'DingTalk Trigger',
				type: `${PACKAGE_PREFIX}.dingTalkTrigger`,
				typeVersion: 1,
				position: [0, 0],
				parameters: triggerParameters,
				credentials: { dingTalkStreamApi: { id: credential.id, name: credential.name } },
			},
			{
				id: `${id}-r`,
				name: 'Reply',
				type: `${PACKAGE_PREFIX}.dingTalk`,
				typeVersion: 1,
				position: [300, 0],
				parameters: { resource: 'message', operation: 'reply', messageType: 'text', text: replyText },
				credentials: { dingTalkStreamApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: { 'DingTalk Trigger': { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

let seq = 0;
function robotMessage(opts: { text: string; sender: string; group?: boolean; mention?: boolean; msgId?: string }) {
	const conversationId = opts.group ? group.openConversationId : `cidDirect${opts.sender}==`;
	const webhook = fake.createSessionWebhook({ conversationType: opts.group ? '2' : '1', conversationId, userId: opts.sender });
	return {
		conversationId,
		atUsers: opts.mention ? [{ dingtalkId: CHATBOT }] : [],
		chatbotCorpId: 'dingfakecorp0001',
		chatbotUserId: CHATBOT,
		msgId: opts.msgId ?? `msg${Date.now()}${++seq}==`,
		senderNick: fixture.users.find((u) => u.userid === opts.sender)?.name,
		isAdmin: false,
		senderStaffId: opts.sender,
		sessionWebhookExpiredTime: webhook.sessionWebhookExpiredTime,
		createAt: Date.now(),
		senderCorpId: 'dingfakecorp0001',
		conversationType: opts.group ? '2' : '1',
		senderId: `$:LWCP_v1:$${opts.sender}`,
		conversationTitle: opts.group ? group.title : undefined,
		isInAtList: Boolean(opts.mention),
		sessionWebhook: webhook.sessionWebhook,
		text: { content: opts.mention ? ` ${opts.text}` : opts.text },
		robotCode: app.robotCode,
		msgtype: 'text',
	};
}

const replies = () => fake.sentMessages.filter((m) => m.channel === 'session').map((m) => (m.body as { text: { content: string } }).text.content);

async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

beforeAll(async () => {
	await fake.start();
	fake.gateway.redeliveryMs = 3000;
	await importCredentials([{ ...credential, data: fake.appConfig() }]);
	await importWorkflows([replyWorkflow('stEchoWorkflow01', { events: ['message'] }, '=You said: {{ $json.text }} (new session: {{ $json.isNewSession }})')]);
	const published = await runN8n(['publish:workflow', '--id=stEchoWorkflow01']);
	if (published.code !== 0) throw new Error(published.stdout + published.stderr);
	await server.start();
	await waitFor(() => fake.gateway.liveConnections().length > 0, 60_000);
});

afterAll(async () => {
	await server.stop();
	await fake.stop();
	expect(server.logs).not.toContain(app.clientSecret);
});

it('connects once to the gateway with the CALLBACK topics', () => {
	const opens = fake.requestsTo('/v1.0/gateway/connections/open');
	expect(opens.length).toBeGreaterThanOrEqual(1);
	expect((opens[0].body as { subscriptions: unknown[] }).subscriptions).toEqual([
		{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
		{ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
	]);
	expect(fake.gateway.liveConnections()).toHaveLength(1);
});

it('a direct message runs the workflow, the reply arrives, and the ACK follows the run', async () => {
	const messageId = fake.gateway.pushCallback('/v1.0/im/bot/messages/get', robotMessage({ text: 'hello', sender: users[0] }));
	await waitFor(() => replies().includes('You said: hello (new session: true)'));
	const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === messageId));
	expect(ack.code).toBe(200);
	expect(ack.data).toEqual({ response: null });
	const replyAt = fake.sentMessages.find((m) => m.channel === 'session')?.at as number;
	expect(ack.at).toBeGreaterThanOrEqual(replyAt);
});

it('a second message from the same sender continues the session', async () => {
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', robotMessage({ text: 'again', sender: users[0] }));
	await waitFor(() => replies().includes('You said: again (new session: false)'));
});

it('group messages run only when they @mention the bot; the mention is stripped', async () => {
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', robotMessage({ text: 'chatter', sender: users[1], group: true }));
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', robotMessage({ text: 'bot, help', sender: users[1], group: true, mention: true }));
	await waitFor(() => replies().includes('You said: bot, help (new session: true)'));
	await new Promise((resolve) => setTimeout(resolve, 1500));
	expect(replies().some((r) => r.includes('chatter'))).toBe(false);
});

it('a redelivered message (same msgId) after a dropped connection starts no second run', async () => {
	fake.gateway.ackDelayMs = 0;
	const message = robotMessage({ text: 'only once', sender: users[2], msgId: 'msgDuplicateTest==' });
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message);
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message); // DingTalk's duplicate delivery
	await waitFor(() => replies().includes('You said: only once (new session: true)'));
	fake.gateway.drop();
	await waitFor(() => fake.gateway.liveConnections().length === 1, 30_000);
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message);
	await new Promise((resolve) => setTimeout(resolve, 3000));
	expect(replies().filter((r) => r.includes('only once'))).toHaveLength(1);
});

it('malformed frames are ignored without dropping the connection', async () => {
	const [live] = fake.gateway.liveConnections();
	fake.gateway.sendRaw(live, 'not json');
	fake.gateway.sendRaw(live, JSON.stringify({ type: 'CALLBACK', headers: {} }));
	fake.gateway.sendRaw(live, JSON.stringify({ specVersion: '1.0', type: 'CALLBACK', headers: { messageId: 'm-bad', topic: '/v1.0/im/bot/messages/get' }, data: '{not json' }));
	fake.gateway.pushCallback('/v1.0/im/bot/messages/get', robotMessage({ text: 'still alive', sender: users[3] }));
	await waitFor(() => replies().includes('You said: still alive (new session: true)'));
	expect(fake.gateway.liveConnections()[0].id).toBe(live.id);
	expect(fake.gateway.acks.find((a) => a.messageId === 'm-bad')?.code).toBe(200);
});
