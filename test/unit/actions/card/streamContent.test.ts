import { NodeApiError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { seedCard, useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const run = async (perItem: object[], clientSecret?: string, continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: perItem.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'card',
			operation: 'streamContent',
			outTrackId: 'ai-card-1',
			content: 'Hello',
			...perItem[i],
		}),
		credentials: {
			dingTalkStreamApi: { ...credentials(), ...(clientSecret ? { clientSecret } : {}) },
		},
		continueOnFail,
	});

describe('DingTalk → Card → Stream Content', () => {
	it("appends to the card's field, then finishes it, one update per item", async () => {
		seedCard(fake, 'ai-card-1');
		const { output } = await run([{}, { content: ', world', isFinalize: true }]);
		const bodies = fake
			.requestsTo('/v1.0/card/streaming')
			.map((r) => r.body as Record<string, unknown>);
		expect(bodies).toEqual([
			{
				outTrackId: 'ai-card-1',
				key: 'content',
				content: 'Hello',
				isFull: false,
				isFinalize: false,
				isError: false,
				guid: expect.any(String),
			},
			{
				outTrackId: 'ai-card-1',
				key: 'content',
				content: ', world',
				isFull: false,
				isFinalize: true,
				isError: false,
				guid: expect.any(String),
			},
		]);
		expect(fake.cards.get('ai-card-1')).toMatchObject({
			fieldValues: { content: 'Hello, world' },
			finalized: true,
		});
		expect(output).toEqual([
			{
				json: {
					outTrackId: 'ai-card-1',
					key: 'content',
					guid: bodies[0].guid,
					mode: 'append',
					isFinalize: false,
					isError: false,
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					outTrackId: 'ai-card-1',
					key: 'content',
					guid: bodies[1].guid,
					mode: 'append',
					isFinalize: true,
					isError: false,
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	it("replaces the field's text in Replace mode", async () => {
		seedCard(fake, 'ai-card-1');
		await run([{ content: 'old' }, { content: 'new', mode: 'replace', key: 'answer' }]);
		expect(fake.cards.get('ai-card-1')?.fieldValues).toEqual({ content: 'old', answer: 'new' });
	});

	it("reports a wrong Client Secret with DingTalk's code and the credential hint", async () => {
		seedCard(fake, 'ai-card-1');
		const error = (await run([{}], 'wrong-secret').catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^DingTalk error invalidClientIdOrSecret: /);
		expect(error.description).toMatch(/Check Client ID \(AppKey\) and Client Secret/);
		expect(fake.requestsTo('/v1.0/card/streaming')).toHaveLength(0);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		seedCard(fake, 'ai-card-1');
		const { output } = await run([{ outTrackId: 'no-such-card' }, {}], undefined, true);
		expect(output[0]).toMatchObject({
			json: {
				code: 'invalidParameter.outTrackId.notExist',
				error: expect.stringMatching(/^DingTalk error/),
			},
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: { outTrackId: 'ai-card-1', mode: 'append' },
			pairedItem: { item: 1 },
		});
	});

	it("within the app's card update budget: DingTalk's flow-control answers hold items back until they arrive, none fails", async () => {
		seedCard(fake, 'ai-card-1');
		// DingTalk lets one through per second (the fake's per-app limit) and refuses the rest.
		fake.setQpsLimit('/v1.0/card/streaming', 1);
		await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
		await run([{}, { content: ', world', isFinalize: true }]);
		expect(fake.cards.get('ai-card-1')).toMatchObject({
			fieldValues: { content: 'Hello, world' },
			finalized: true,
		});
		const calls = fake.requestsTo('/v1.0/card/streaming');
		expect(calls.filter((r) => r.status === 200)).toHaveLength(2);
		// Refused at most once: the budget paused instead of retrying at once.
		expect(calls.filter((r) => r.status === 403).length).toBeLessThanOrEqual(1);
		fake.clearQpsLimits();
	}, 20_000);
});
