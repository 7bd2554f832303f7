import { NodeApiError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const MESSAGE = { openMsgId: 'msgUser001==', openConversationId: 'cidDirectu1==' };
const run = async (parameters: Record<string, unknown>, robotCode?: string) =>
	await runNode({
		node: new DingTalk(),
		parameters: { resource: 'message', operation: 'addReaction', ...MESSAGE, ...parameters },
		credentials: { dingTalkStreamApi: { ...credentials(), ...(robotCode ? { robotCode } : {}) } },
	});

describe('DingTalk → Message → Add Reaction', () => {
	it('defaults to the trigger item’s msgId and conversationId and a "🤔Thinking" text emotion', () => {
		const fields = new DingTalk().description.properties.filter((p) =>
			p.displayOptions?.show?.operation?.includes('addReaction'),
		);
		const defaults = Object.fromEntries(fields.map((p) => [p.name, p.default]));
		expect(defaults).toMatchObject({
			openMsgId: '={{ $json.msgId }}',
			openConversationId: '={{ $json.conversationId }}',
			reactionText: '🤔Thinking',
		});
	});

	it('puts the reaction on the message with the plugins’ text-emotion template (UNCONFIRMED IDs)', async () => {
		const { output } = await run({});
		expect(fake.requestsTo('/v1.0/robot/emotion/reply')[0].body).toEqual({
			robotCode: 'dingfakeappkey0001',
			...MESSAGE,
			emotionType: 2,
			emotionName: '🤔Thinking',
			textEmotion: {
				emotionId: '2659900',
				emotionName: '🤔Thinking',
				text: '🤔Thinking',
				backgroundId: 'im_bg_1',
			},
		});
		expect(fake.reactionsOn(MESSAGE.openMsgId)).toEqual(['🤔Thinking']);
		expect(output).toEqual([
			{
				json: {
					msgId: MESSAGE.openMsgId,
					conversationId: MESSAGE.openConversationId,
					reactionText: '🤔Thinking',
					success: true,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('sends the text, emotion ID and background the user set', async () => {
		await run({
			reactionText: '👀 Looking',
			reactionOptions: { emotionId: '123', backgroundId: 'im_bg_2' },
		});
		expect(fake.requestsTo('/v1.0/robot/emotion/reply')[0].body).toMatchObject({
			emotionName: '👀 Looking',
			textEmotion: { emotionId: '123', text: '👀 Looking', backgroundId: 'im_bg_2' },
		});
	});

	it('stops an item without a message ID before calling DingTalk', async () => {
		await expect(run({ openMsgId: '  ' })).rejects.toThrow('"Message ID" is empty');
		expect(fake.requestsTo('/v1.0/robot/emotion/reply')).toHaveLength(0);
	});

	it("reports DingTalk's refusal with its code and the Robot Code hint", async () => {
		const error = (await run({}, 'dingwrongrobot').catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'DingTalk error invalidParameter.robotCode.auth: robotCode 与应用不匹配',
		);
		expect(error.description).toMatch(/Check Robot Code in the credential/);
	});
});
