import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { INCOMPLETE_MESSAGE } from '../../../../nodes/XpertAi/actions/expert/askStreaming.operation';

import { XpertAi } from '../../../../nodes/XpertAi/XpertAi.node';
import { FakeXpert } from '../../../fake-xpert';
import { runNode } from '../../support/fakeExecuteContext';
import { seedCard, useFakeDingTalk, useFakeXpert } from '../../support/fakeServices';

const xpert = useFakeXpert();
const dingTalk = useFakeDingTalk();
const EXPERT = 'xpert-helpdesk-0001';
const run = async (perItem: object[], dingTalkCredentials = {}, continueOnFail = false) =>
	await runNode({
		node: new XpertAi(),
		items: perItem.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'expert',
			operation: 'askStreaming',
			expert: { __rl: true, mode: 'id', value: EXPERT },
			message: 'VPN is down',
			sessionKey: 'session-a',
			outTrackId: 'ai-card-1',
			...perItem[i],
		}),
		credentials: {
			xpertAiApi: xpert.credentials(),
			dingTalkStreamApi: { ...dingTalk.credentials(), ...dingTalkCredentials },
		},
		continueOnFail,
	});

describe('Xpert AI → Digital Expert → Ask (Streaming)', () => {
	it("streams the expert's answer into the AI card, finishes the card and outputs the answer", async () => {
		seedCard(dingTalk.fake, 'ai-card-1');
		const { output } = await run([{}]);
		const answer = FakeXpert.answer(xpert.fake.experts[0], 'VPN is down', 1);
		const stream = xpert.fake.requests.find((r) => r.path.endsWith('/runs/stream'));
		expect(stream?.body).toEqual({
			assistant_id: EXPERT,
			input: { action: 'send', message: { input: { input: 'VPN is down' } } },
		});
		const updates = dingTalk.fake
			.requestsTo('/v1.0/card/streaming')
			.map((r) => r.body as Record<string, unknown>);
		expect(updates.at(-1)).toMatchObject({
			outTrackId: 'ai-card-1',
			key: 'content',
			content: answer,
			isFull: true,
			isFinalize: true,
			isError: false,
		});
		expect(dingTalk.fake.cards.get('ai-card-1')).toMatchObject({
			fieldValues: { content: answer },
			finalized: true,
			failed: false,
		});
		expect(output).toEqual([
			{
				json: {
					answer,
					expertId: EXPERT,
					threadId: expect.any(String),
					sessionKey: 'session-a',
					outTrackId: 'ai-card-1',
					cardUpdates: updates.length,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('marks the card failed when the expert cannot answer, and reports what to fix', async () => {
		seedCard(dingTalk.fake, 'ai-card-1');
		const error = (await run([
			{ expert: { __rl: true, mode: 'id', value: 'xpert-unknown' } },
		]).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Digital Expert not found');
		expect(dingTalk.fake.cards.get('ai-card-1')).toMatchObject({ finalized: true, failed: true });
	});

	it("fails the item when the expert's stream carries an error frame mid-answer, and finishes the card as failed", async () => {
		seedCard(dingTalk.fake, 'ai-card-1');
		xpert.fake.streamOptions = { failAfterWords: 3, failWith: 'model quota exhausted' };
		const error = (await run([{}]).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The Digital Expert failed while answering: model quota exhausted');
		const words = FakeXpert.answer(xpert.fake.experts[0], 'VPN is down', 1).match(/\S+\s*/g) ?? [];
		const card = dingTalk.fake.cards.get('ai-card-1');
		expect(card).toMatchObject({ finalized: true, failed: true });
		// What arrived before the error stays visible, marked failed.
		expect(card?.fieldValues.content).toBe(words.slice(0, 3).join(''));
		expect(card?.streams.at(-1)).toMatchObject({ isFinalize: true, isError: true });
	});

	it('fails the item when the stream ends without its complete event: a cut-off answer never looks complete', async () => {
		seedCard(dingTalk.fake, 'ai-card-1');
		xpert.fake.streamOptions = { endAfterWords: 4 };
		const error = (await run([{}]).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(INCOMPLETE_MESSAGE);
		expect(error.description).toMatch(/closed halfway/);
		const card = dingTalk.fake.cards.get('ai-card-1');
		expect(card).toMatchObject({ finalized: true, failed: true });
		expect(card?.streams.some((s) => s.isFinalize && !s.isError)).toBe(false);
	});

	it("reports a wrong DingTalk Client Secret with DingTalk's code and the credential hint", async () => {
		seedCard(dingTalk.fake, 'ai-card-1');
		const error = (await run([{}], { clientSecret: 'wrong-secret' }).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^DingTalk error invalidClientIdOrSecret: /);
		expect(error.description).toMatch(/Check Client ID \(AppKey\) and Client Secret/);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		seedCard(dingTalk.fake, 'ai-card-1');
		const { output } = await run([{ outTrackId: 'no-such-card' }, {}], {}, true);
		expect(output[0]).toEqual({
			json: { error: 'DingTalk error invalidParameter.outTrackId.notExist: 卡片实例不存在' },
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: { outTrackId: 'ai-card-1', answer: expect.stringMatching(/IT Helpdesk/) },
			pairedItem: { item: 1 },
		});
	});
});
