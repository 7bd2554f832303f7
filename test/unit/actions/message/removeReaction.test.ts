import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const MESSAGE = { openMsgId: 'msgUser002==', openConversationId: 'cidFakeGroup001==' };
const run = async (operation: string, parameters: Record<string, unknown> = {}) =>
	await runNode({
		node: new DingTalk(),
		parameters: { resource: 'message', operation, ...MESSAGE, ...parameters },
		credentials: { dingTalkStreamApi: credentials() },
	});

describe('DingTalk → Message → Remove Reaction', () => {
	it('takes back the reaction Add Reaction put on the message (same body, recall endpoint)', async () => {
		await run('addReaction');
		const { output } = await run('removeReaction');
		const [added] = fake.requestsTo('/v1.0/robot/emotion/reply');
		const [removed] = fake.requestsTo('/v1.0/robot/emotion/recall');
		expect(removed.body).toEqual(added.body);
		expect(fake.reactionsOn(MESSAGE.openMsgId)).toEqual([]);
		expect(fake.reactions.map((r) => r.action)).toEqual(['added', 'removed']);
		expect(output[0].json).toEqual({
			msgId: MESSAGE.openMsgId,
			conversationId: MESSAGE.openConversationId,
			reactionText: '🤔Thinking',
			success: true,
		});
	});

	it('removes only the reaction with the text it names', async () => {
		await run('addReaction', { reactionText: 'A' });
		await run('addReaction', { reactionText: 'B' });
		await run('removeReaction', { reactionText: 'A' });
		expect(fake.reactionsOn(MESSAGE.openMsgId)).toEqual(['B']);
	});

	it('outputs success false when the message has no such reaction (the fake’s UNCONFIRMED answer)', async () => {
		const { output } = await run('removeReaction', { reactionText: 'never added' });
		expect(output[0].json.success).toBe(false);
	});

	it('stops an item without a conversation ID before calling DingTalk', async () => {
		await expect(run('removeReaction', { openConversationId: '' })).rejects.toThrow(
			'"Conversation ID" is empty',
		);
		expect(fake.requestsTo('/v1.0/robot/emotion/recall')).toHaveLength(0);
	});
});

describe('fake DingTalk: the emotion endpoints refuse malformed bodies in DingTalk’s error format', () => {
	const post = async (path: string, body: unknown, token?: string) => {
		const response = await fetch(`${fake.baseUrl}${path}`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				...(token ? { 'x-acs-dingtalk-access-token': token } : {}),
			},
			body: JSON.stringify(body),
		});
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	};

	it.each([
		['openMsgId', { openMsgId: '' }, 'invalidParameter.openMsgId.empty'],
		['emotionType', { emotionType: 1 }, 'invalidParameter.emotionType.invalid'],
		['textEmotion', { textEmotion: { text: 'x' } }, 'invalidParameter.textEmotion.invalid'],
	])('%s', async (_field, change, code) => {
		const app = fake.appConfig();
		const token = await post('/v1.0/oauth2/accessToken', {
			appKey: app.clientId,
			appSecret: app.clientSecret,
		});
		const valid = {
			robotCode: app.robotCode,
			...MESSAGE,
			emotionType: 2,
			emotionName: 'x',
			textEmotion: { emotionId: '1', emotionName: 'x', text: 'x', backgroundId: 'b' },
		};
		const answer = await post(
			'/v1.0/robot/emotion/reply',
			{ ...valid, ...change },
			String(token.body.accessToken),
		);
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual({
			code,
			message: expect.any(String),
			requestid: expect.any(String),
		});
		expect(fake.reactions).toEqual([]);
	});
});
