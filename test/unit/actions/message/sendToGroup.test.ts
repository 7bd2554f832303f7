import { NodeApiError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const GROUP = 'cidFakeGroup001==';
const run = async (groups: string[], robotCode?: string, continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: groups.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'message',
			operation: 'sendToGroup',
			openConversationId: groups[i],
			messageType: 'markdown',
			title: 'Build',
			markdown: '**green**',
		}),
		credentials: { dingTalkStreamApi: { ...credentials(), ...(robotCode ? { robotCode } : {}) } },
		continueOnFail,
	});

describe('DingTalk → Message → Send to Group', () => {
	it('posts the message in the group and outputs its processQueryKey', async () => {
		const { output } = await run([GROUP]);
		const [request] = fake.requestsTo('/v1.0/robot/groupMessages/send');
		expect(request.body).toEqual({
			robotCode: 'dingfakeappkey0001',
			openConversationId: GROUP,
			msgKey: 'sampleMarkdown',
			msgParam: JSON.stringify({ title: 'Build', text: '**green**' }),
		});
		expect(output).toEqual([
			{
				json: { processQueryKey: fake.sentMessages[0].processQueryKey, openConversationId: GROUP },
				pairedItem: { item: 0 },
			},
		]);
	});

	it("reports a wrong Robot Code with DingTalk's code and the Robot Code hint", async () => {
		const error = (await run([GROUP], 'dingwrongrobot').catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'DingTalk error invalidParameter.robotCode.auth: robotCode 与应用不匹配',
		);
		expect(error.description).toMatch(/Check Robot Code in the credential/);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		const { output } = await run(['cidUnknown==', GROUP], undefined, true);
		expect(output[0]).toMatchObject({
			json: {
				code: 'invalidParameter.openConversationId.invalid',
				error: expect.stringMatching(/^DingTalk error/),
			},
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: { openConversationId: GROUP, processQueryKey: expect.any(String) },
			pairedItem: { item: 1 },
		});
	});
});
