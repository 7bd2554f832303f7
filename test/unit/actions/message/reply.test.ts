import { NodeApiError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const GROUP = 'cidFakeGroup001==';
/** A DingTalk Trigger item (the fields Reply reads). */
const groupEvent = (webhook?: ReturnType<typeof fake.createSessionWebhook>) => ({
	conversationType: 'group',
	conversationId: GROUP,
	senderStaffId: 'eng0002',
	...(webhook ?? {}),
});
const run = async (events: object[], extra = {}, robotCode?: string, continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: events.map((json) => ({ json: json as never })),
		parameters: (i) => ({
			resource: 'message',
			operation: 'reply',
			event: events[i] as never,
			messageType: 'text',
			text: 'on it',
			...extra,
		}),
		credentials: { dingTalkStreamApi: { ...credentials(), ...(robotCode ? { robotCode } : {}) } },
		continueOnFail,
	});

describe('DingTalk → Message → Reply', () => {
	it("answers through the conversation's session webhook while it is valid, @mentioning the sender when asked", async () => {
		const webhook = fake.createSessionWebhook({ conversationType: '2', conversationId: GROUP });
		const { output } = await run([groupEvent(webhook)], { options: { mentionSender: true } });
		const [request] = fake.requestsTo('/robot/sendBySession');
		expect(request.body).toEqual({
			msgtype: 'text',
			text: { content: 'on it @eng0002' },
			at: { atUserIds: ['eng0002'], isAtAll: false },
		});
		expect(fake.tokenCalls()).toBe(0);
		expect(output).toEqual([
			{
				json: {
					via: 'sessionWebhook',
					conversationType: 'group',
					conversationId: GROUP,
					mentionedUserIds: ['eng0002'],
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('answers through the robot OpenAPI when the event has no session webhook', async () => {
		const { output } = await run([
			{ conversationType: '1', senderStaffId: 'eng0001', conversationId: 'cidDirect==' },
		]);
		const [request] = fake.requestsTo('/v1.0/robot/oToMessages/batchSend');
		expect(request.body).toEqual({
			robotCode: 'dingfakeappkey0001',
			userIds: ['eng0001'],
			msgKey: 'sampleText',
			msgParam: JSON.stringify({ content: 'on it' }),
		});
		expect(output[0].json).toEqual({
			via: 'openApi',
			conversationType: 'direct',
			conversationId: 'cidDirect==',
			userId: 'eng0001',
			processQueryKey: fake.sentMessages[0].processQueryKey,
		});
	});

	it("reports a wrong Robot Code on the OpenAPI path with DingTalk's code and the Robot Code hint", async () => {
		const error = (await run([groupEvent()], {}, 'dingwrongrobot').catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'DingTalk error invalidParameter.robotCode.auth: robotCode 与应用不匹配',
		);
		expect(error.description).toMatch(/Check Robot Code in the credential/);
		expect(fake.requestsTo('/v1.0/robot/groupMessages/send')[0].body).toMatchObject({
			openConversationId: GROUP,
		});
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		const { output } = await run([{ text: 'not an event' }, groupEvent()], {}, undefined, true);
		expect(output[0]).toEqual({
			json: { error: expect.stringMatching(/no conversationType/) },
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: { via: 'openApi', conversationType: 'group', conversationId: GROUP },
			pairedItem: { item: 1 },
		});
	});

	it('sends a picture from a binary field by the robot OpenAPI even while the session webhook is valid', async () => {
		const webhook = fake.createSessionWebhook({ conversationType: '2', conversationId: GROUP });
		const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64)]);
		const { output } = await runNode({
			node: new DingTalk(),
			items: [
				{
					json: {},
					binary: {
						chart: { data: png.toString('base64'), fileName: 'chart.png', mimeType: 'image/png' },
					},
				},
			],
			parameters: {
				resource: 'message',
				operation: 'reply',
				event: groupEvent(webhook) as never,
				messageType: 'image',
				mediaSource: 'binary',
				binaryPropertyName: 'chart',
			},
			credentials: { dingTalkStreamApi: credentials() },
		});
		expect(fake.requestsTo('/robot/sendBySession')).toHaveLength(0);
		expect(fake.sentMessages[0]).toMatchObject({
			channel: 'group',
			msgKey: 'sampleImageMsg',
			msgParam: { photoURL: fake.uploads[0].mediaId },
		});
		expect(output[0].json).toMatchObject({ via: 'openApi', conversationType: 'group' });
	});
});
