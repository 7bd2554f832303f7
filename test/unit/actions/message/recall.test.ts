import { NodeApiError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const GROUP = 'cidFakeGroup001==';
const sent = (processQueryKey: string, channel: 'oto' | 'group') =>
	fake.sentMessages.push({
		channel,
		processQueryKey,
		openConversationId: channel === 'group' ? GROUP : undefined,
		at: Date.now(),
	});
const run = async (keys: string[], extra = {}, robotCode?: string, continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: keys.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'message',
			operation: 'recall',
			processQueryKeys: keys[i],
			...extra,
		}),
		credentials: { dingTalkStreamApi: { ...credentials(), ...(robotCode ? { robotCode } : {}) } },
		continueOnFail,
	});

describe('DingTalk → Message → Recall', () => {
	it('recalls one-to-one messages and outputs what was and was not recalled', async () => {
		sent('pqk1=', 'oto');
		const { output } = await run(['pqk1=, pqk-unknown=']);
		const [request] = fake.requestsTo('/v1.0/robot/otoMessages/batchRecall');
		expect(request.body).toEqual({
			robotCode: 'dingfakeappkey0001',
			processQueryKeys: ['pqk1=', 'pqk-unknown='],
		});
		expect(output).toEqual([
			{
				json: {
					chatType: 'direct',
					recalled: ['pqk1='],
					failed: [{ processQueryKey: 'pqk-unknown=', reason: 'message not found' }],
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('recalls group messages in the named group', async () => {
		sent('pqk2=', 'group');
		const { output } = await run(['pqk2='], { chatType: 'group', openConversationId: GROUP });
		expect(fake.requestsTo('/v1.0/robot/groupMessages/recall')[0].body).toEqual({
			robotCode: 'dingfakeappkey0001',
			openConversationId: GROUP,
			processQueryKeys: ['pqk2='],
		});
		expect(output[0].json).toEqual({
			chatType: 'group',
			openConversationId: GROUP,
			recalled: ['pqk2='],
			failed: [],
		});
	});

	it("reports a wrong Robot Code with DingTalk's code and the Robot Code hint", async () => {
		const error = (await run(['pqk1='], {}, 'dingwrongrobot').catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'DingTalk error invalidParameter.robotCode.auth: robotCode 与应用不匹配',
		);
		expect(error.description).toMatch(/Check Robot Code in the credential/);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		sent('pqk3=', 'group');
		const { output } = await run(
			['pqk3=', 'pqk3='],
			{ chatType: 'group', openConversationId: 'cidUnknown==' },
			undefined,
			true,
		);
		expect(output.map((o) => [o.json.code, o.pairedItem])).toEqual([
			['invalidParameter.openConversationId.invalid', { item: 0 }],
			['invalidParameter.openConversationId.invalid', { item: 1 }],
		]);
		expect(output[0].json.error).toMatch(
			/^DingTalk error invalidParameter\.openConversationId\.invalid/,
		);
	});
});
