import { NodeApiError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const run = async (userIds: string[], robotCode?: string, continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: userIds.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'message',
			operation: 'sendToUsers',
			userIds: userIds[i],
			messageType: 'text',
			text: `hello ${i}`,
		}),
		credentials: { dingTalkStreamApi: { ...credentials(), ...(robotCode ? { robotCode } : {}) } },
		continueOnFail,
	});

describe('DingTalk → Message → Send to Users', () => {
	it('sends one robot message to the users and outputs what DingTalk answered', async () => {
		const { output } = await run(['eng0001, eng0002, nobody']);
		const [request] = fake.requestsTo('/v1.0/robot/oToMessages/batchSend');
		expect(request.body).toEqual({
			robotCode: 'dingfakeappkey0001',
			userIds: ['eng0001', 'eng0002', 'nobody'],
			msgKey: 'sampleText',
			msgParam: JSON.stringify({ content: 'hello 0' }),
		});
		expect(request.headers['x-acs-dingtalk-access-token']).toBeTruthy();
		expect(output).toEqual([
			{
				json: {
					processQueryKey: fake.sentMessages[0].processQueryKey,
					processQueryKeys: [fake.sentMessages[0].processQueryKey],
					sentUserIds: ['eng0001', 'eng0002'],
					invalidUserIds: ['nobody'],
					flowControlledUserIds: [],
					warning: expect.stringMatching(/1 user ID\(s\) are unknown/),
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('sends more than 20 users in batches of 20', async () => {
		const many = Array.from({ length: 25 }, (_, i) => `user${i}`);
		await run([many.join(',')]);
		expect(
			fake
				.requestsTo('/v1.0/robot/oToMessages/batchSend')
				.map((r) => (r.body as { userIds: string[] }).userIds.length),
		).toEqual([20, 5]);
	});

	it("reports a wrong Robot Code with DingTalk's code and the Robot Code hint", async () => {
		const error = (await run(['eng0001'], 'dingwrongrobot').catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'DingTalk error invalidParameter.robotCode.auth: robotCode 与应用不匹配',
		);
		expect(error.description).toMatch(/Check Robot Code in the credential/);
		expect(error.description).toMatch(/DingTalk request ID: \w+/);
	});

	it('under Continue On Fail, outputs an error item per failing item', async () => {
		const { output } = await run(['eng0001', 'eng0002'], 'dingwrongrobot', true);
		expect(output.map((o) => [o.json.code, o.pairedItem])).toEqual([
			['invalidParameter.robotCode.auth', { item: 0 }],
			['invalidParameter.robotCode.auth', { item: 1 }],
		]);
		expect(output[0].json).toMatchObject({
			error: expect.stringMatching(/^DingTalk error/),
			hint: expect.stringMatching(/Robot Code/),
			endpoint: '/v1.0/robot/oToMessages/batchSend',
		});
	});

	it('uploads a voice recording from a binary field, then sends sampleAudio with its duration in milliseconds', async () => {
		await runNode({
			node: new DingTalk(),
			items: [
				{
					json: {},
					binary: {
						data: {
							data: Buffer.alloc(3000, 5).toString('base64'),
							fileName: 'memo.mp3',
							mimeType: 'audio/mpeg',
						},
					},
				},
			],
			parameters: {
				resource: 'message',
				operation: 'sendToUsers',
				userIds: 'eng0001',
				messageType: 'voice',
				mediaSource: 'binary',
				durationSeconds: 7,
			},
			credentials: { dingTalkStreamApi: credentials() },
		});
		expect(fake.uploads).toEqual([expect.objectContaining({ type: 'voice', size: 3000 })]);
		expect(fake.sentMessages[0]).toMatchObject({
			msgKey: 'sampleAudio',
			userIds: ['eng0001'],
			msgParam: { mediaId: fake.uploads[0].mediaId, duration: '7000' },
		});
	});
});
