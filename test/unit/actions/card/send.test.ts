import { NodeApiError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const GROUP = 'cidFakeGroup001==';
const run = async (perItem: object[], continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: perItem.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'card',
			operation: 'send',
			cardTemplateId: 'tpl-0001.schema',
			cardDataMode: 'json',
			cardJson: '{"title":"Approve?","count":3}',
			...perItem[i],
		}),
		credentials: { dingTalkStreamApi: credentials() },
		continueOnFail,
	});
const toUser = (userId: string, options = {}) => ({
	target: 'user',
	userId: { __rl: true, mode: 'id', value: userId },
	options,
});

describe('DingTalk → Card → Send', () => {
	it("creates and delivers the card to the user's robot chat and outputs its outTrackId", async () => {
		const { output } = await run([toUser('eng0001', { outTrackId: 'track-1' })]);
		const [request] = fake.requestsTo('/v1.0/card/instances/createAndDeliver');
		expect(request.body).toEqual({
			cardTemplateId: 'tpl-0001.schema',
			outTrackId: 'track-1',
			cardData: { cardParamMap: { title: 'Approve?', count: '3' } },
			userIdType: 1,
			callbackType: 'STREAM',
			openSpaceId: 'dtv1.card//IM_ROBOT.eng0001',
			imRobotOpenSpaceModel: { supportForward: true },
			imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: 'dingfakeappkey0001' },
		});
		expect(output).toHaveLength(1);
		expect(output[0]).toMatchObject({
			json: { outTrackId: 'track-1', target: 'user', spaceId: 'eng0001', delivered: true },
			pairedItem: { item: 0 },
		});
	});

	it('delivers to a group with @mentions, generating an outTrackId when none is given', async () => {
		const { output } = await run([
			{
				target: 'group',
				openConversationId: GROUP,
				options: { mentionUserIds: 'eng0002', callbackType: 'none' },
			},
		]);
		const body = fake.requestsTo('/v1.0/card/instances/createAndDeliver')[0].body as Record<
			string,
			unknown
		>;
		expect(body).toMatchObject({
			openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
			imGroupOpenDeliverModel: {
				robotCode: 'dingfakeappkey0001',
				atUserIds: { eng0002: 'eng0002' },
			},
		});
		expect(body).not.toHaveProperty('callbackType');
		expect(output[0].json.outTrackId).toBe(body.outTrackId);
		expect(String(body.outTrackId)).toMatch(/^n8n-[0-9a-f-]{36}$/);
	});

	it('reports a card DingTalk did not deliver (unknown user) with the visible-range hint', async () => {
		const error = (await run([toUser('nobody')]).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(
			/^DingTalk error cardNotDelivered: The card was created but not delivered to user nobody/,
		);
		expect(error.description).toMatch(/visible range/);
	});

	it('refuses an Out Track ID starting with "decision-" (reserved for decision cards) before calling DingTalk', async () => {
		const error = (await run([toUser('eng0001', { outTrackId: 'decision-mine' })]).catch(
			(e: unknown) => e,
		)) as Error;
		expect(error.message).toBe(
			'"Out Track ID" may not start with "decision-": that prefix marks decision cards (Card → Send Decision Card), whose clicks the DingTalk Trigger decides itself',
		);
		expect(fake.requestsTo('/v1.0/card/instances/createAndDeliver')).toHaveLength(0);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		const { output } = await run([toUser('nobody'), toUser('eng0003')], true);
		expect(output[0]).toMatchObject({
			json: { code: 'cardNotDelivered', hint: expect.stringMatching(/visible range/) },
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: { spaceId: 'eng0003', delivered: true },
			pairedItem: { item: 1 },
		});
	});
});
