import { NodeApiError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { seedCard, useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const run = async (
	outTrackIds: string[],
	extra = {},
	clientSecret?: string,
	continueOnFail = false,
) =>
	await runNode({
		node: new DingTalk(),
		items: outTrackIds.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'card',
			operation: 'update',
			outTrackId: outTrackIds[i],
			cardFields: { field: [{ key: 'status', value: 'Approved' }] },
			...extra,
		}),
		credentials: {
			dingTalkStreamApi: { ...credentials(), ...(clientSecret ? { clientSecret } : {}) },
		},
		continueOnFail,
	});

describe('DingTalk → Card → Update', () => {
	it('changes the given variables of the card and outputs them', async () => {
		seedCard(fake, 'track-1', { title: 'Leave request', status: 'Pending' });
		const { output } = await run(['track-1']);
		expect(fake.requestsTo('/v1.0/card/instances')[0]).toMatchObject({
			method: 'PUT',
			body: {
				outTrackId: 'track-1',
				cardData: { cardParamMap: { status: 'Approved' } },
				cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
				userIdType: 1,
			},
		});
		expect(fake.cards.get('track-1')?.cardData).toEqual({
			title: 'Leave request',
			status: 'Approved',
		});
		expect(output).toEqual([
			{
				json: { outTrackId: 'track-1', updated: true, variables: { status: 'Approved' } },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('replaces all variables when asked', async () => {
		seedCard(fake, 'track-2', { title: 'Leave request', status: 'Pending' });
		await run(['track-2'], { options: { replaceAll: true } });
		expect(fake.cards.get('track-2')?.cardData).toEqual({ status: 'Approved' });
	});

	it("reports a wrong Client Secret with DingTalk's code and the credential hint", async () => {
		const error = (await run(['track-1'], {}, 'wrong-secret').catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^DingTalk error invalidClientIdOrSecret: /);
		expect(error.description).toMatch(/Check Client ID \(AppKey\) and Client Secret/);
		expect(JSON.stringify(error)).not.toContain('wrong-secret');
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		seedCard(fake, 'track-3');
		const { output } = await run(['track-unknown', 'track-3'], {}, undefined, true);
		expect(output[0]).toMatchObject({
			json: {
				code: 'invalidParameter.outTrackId.notExist',
				error: expect.stringMatching(/^DingTalk error/),
			},
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: { outTrackId: 'track-3', updated: true },
			pairedItem: { item: 1 },
		});
	});

	it("within the app's card update budget: DingTalk's flow-control answers hold items back until they arrive, none fails", async () => {
		seedCard(fake, 'card-1');
		seedCard(fake, 'card-2');
		// DingTalk lets one through per second (the fake's per-app limit) and refuses the rest.
		fake.setQpsLimit('/v1.0/card/instances', 1);
		await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
		await run(['card-1', 'card-2']);
		expect(fake.cards.get('card-1')?.cardData).toMatchObject({ status: 'Approved' });
		expect(fake.cards.get('card-2')?.cardData).toMatchObject({ status: 'Approved' });
		const calls = fake.requestsTo('/v1.0/card/instances');
		expect(calls.filter((r) => r.status === 200)).toHaveLength(2);
		// Refused at most once: the budget paused instead of retrying at once.
		expect(calls.filter((r) => r.status === 403).length).toBeLessThanOrEqual(1);
		fake.clearQpsLimits();
	}, 20_000);
});
