import { createHmac } from 'crypto';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { DECISION_TEMPLATE_ID, resolveParams } from '../../../fake-dingtalk';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const GROUP = 'cidFakeGroup001==';
const CONTEXT = { processInstanceId: 'pi-1', taskId: 't1' };

const run = async (perItem: object[], continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: perItem.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'card',
			operation: 'sendDecisionCard',
			cardTemplateId: DECISION_TEMPLATE_ID,
			target: 'user',
			userId: { __rl: true, mode: 'id', value: 'manager0001' },
			approverUserIds: 'manager0001, manager0002',
			title: 'Leave request',
			summary: '**Chen Jie** asks for 3 days off',
			context: JSON.stringify(CONTEXT),
			...perItem[i],
		}),
		credentials: { dingTalkStreamApi: credentials() },
		continueOnFail,
	});

/** The contract's key, computed here from its definition (not with the node's module). */
function expectedKey(outTrackId: string, userId: string, contextJson: string): string {
	const k = createHmac('sha256', credentials().clientSecret as string)
		.update('dingtalk-decision-card')
		.digest();
	return createHmac('sha256', k)
		.update(`${outTrackId}\n${userId}\n${contextJson}`)
		.digest('base64url');
}

const sentBody = () =>
	fake.requestsTo('/v1.0/card/instances/createAndDeliver')[0].body as Record<string, unknown>;

describe('DingTalk → Card → Send Decision Card', () => {
	it('sends the public card data and, per approver, a private key bound to the card, the approver and the context', async () => {
		const { output } = await run([{}]);
		const body = sentBody();
		const outTrackId = String(body.outTrackId);
		expect(outTrackId).toMatch(
			/^decision-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		);
		const contextJson = JSON.stringify(CONTEXT);
		expect(body).toEqual({
			cardTemplateId: DECISION_TEMPLATE_ID,
			outTrackId,
			cardData: {
				cardParamMap: {
					title: 'Leave request',
					summary: '**Chen Jie** asks for 3 days off',
					context: contextJson,
					decided: 'false',
					statusText: '',
				},
			},
			privateData: {
				manager0001: {
					cardParamMap: { decisionKey: expectedKey(outTrackId, 'manager0001', contextJson) },
				},
				manager0002: {
					cardParamMap: { decisionKey: expectedKey(outTrackId, 'manager0002', contextJson) },
				},
			},
			userIdType: 1,
			callbackType: 'STREAM',
			openSpaceId: 'dtv1.card//IM_ROBOT.manager0001',
			imRobotOpenSpaceModel: { supportForward: false },
			imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: 'dingfakeappkey0001' },
		});
		expect(output).toHaveLength(1);
		expect(output[0].json).toEqual({
			outTrackId,
			approverUserIds: ['manager0001', 'manager0002'],
			deliverResults: [expect.objectContaining({ spaceId: 'manager0001', success: true })],
		});
	});

	it("the template's buttons resolve to each approver's own key; anyone else's resolve to none", async () => {
		await run([{}]);
		const outTrackId = String(sentBody().outTrackId);
		const card = fake.cards.get(outTrackId);
		if (!card) throw new Error('no card');
		const params = fake.cardTemplates.get(DECISION_TEMPLATE_ID)?.buttons.approve.params ?? {};
		const contextJson = JSON.stringify(CONTEXT);
		expect(resolveParams(card, 'manager0002', params)).toEqual({
			decision: 'approve',
			decisionKey: expectedKey(outTrackId, 'manager0002', contextJson),
			context: contextJson,
		});
		expect(resolveParams(card, 'eng0001', params)).toEqual({
			decision: 'approve',
			decisionKey: '',
			context: contextJson,
		});
	});

	it("the fake resolves a button's variable from the clicker's private data before the card data", async () => {
		await run([{}]);
		const card = fake.cards.get(String(sentBody().outTrackId));
		if (!card) throw new Error('no card');
		card.cardData.decisionKey = 'public';
		const params = { decisionKey: '${decisionKey}' };
		expect(resolveParams(card, 'manager0001', params).decisionKey).not.toBe('public');
		expect(resolveParams(card, 'eng0001', params).decisionKey).toBe('public');
	});

	it('every card gets its own outTrackId, so a key from one card is worth nothing on another', async () => {
		await run([{}, {}]);
		const [first, second] = fake
			.requestsTo('/v1.0/card/instances/createAndDeliver')
			.map((r) => r.body as { outTrackId: string; privateData: Record<string, unknown> });
		expect(first.outTrackId).not.toBe(second.outTrackId);
		expect(first.privateData.manager0001).not.toEqual(second.privateData.manager0001);
	});

	it('sends to a group with HTTP callbacks and a route key when asked', async () => {
		await run([
			{
				target: 'group',
				openConversationId: GROUP,
				approverUserIds: 'eng0002',
				options: { callbackType: 'HTTP', callbackRouteKey: 'route-1', supportForward: true },
			},
		]);
		expect(sentBody()).toMatchObject({
			openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
			imGroupOpenSpaceModel: { supportForward: true },
			imGroupOpenDeliverModel: { robotCode: 'dingfakeappkey0001' },
			callbackType: 'HTTP',
			callbackRouteKey: 'route-1',
		});
		expect(Object.keys(sentBody().privateData as object)).toEqual(['eng0002']);
	});

	it.each([
		['no approver', { approverUserIds: ' , ' }, '"Approver User IDs" is empty'],
		['a context that is a list', { context: '[1, 2]' }, '"Context" must be a JSON object'],
		['a context that is not JSON', { context: '{nope' }, '"Context" is not valid JSON'],
		[
			'a context over 16,000 characters',
			{ context: JSON.stringify({ note: 'x'.repeat(16_000) }) },
			/^"Context" is 16011 characters as JSON; at most 16000$/,
		],
		[
			'101 approvers',
			{ approverUserIds: Array.from({ length: 101 }, (_, i) => `u${i}`).join(',') },
			'"Approver User IDs" lists 101 users; at most 100',
		],
		[
			'an approver ID over 128 characters',
			{ approverUserIds: 'u'.repeat(129) },
			'"Approver User IDs": a user ID is longer than 128 characters',
		],
		['an empty title', { title: '  ' }, '"Title" is empty'],
	])('refuses %s before calling DingTalk', async (_label, parameters, message) => {
		const error = (await run([parameters]).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(fake.requestsTo('/v1.0/card/instances/createAndDeliver')).toHaveLength(0);
	});

	it('reports a card DingTalk did not deliver (unknown user) as Card → Send does', async () => {
		const error = (await run([{ userId: { __rl: true, mode: 'id', value: 'nobody' } }]).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(
			/^DingTalk error cardNotDelivered: .* user nobody: user not found/,
		);
	});
});
