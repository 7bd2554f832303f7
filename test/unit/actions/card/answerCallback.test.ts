import { NodeOperationError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const run = async (perItem: object[], continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: perItem.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'card',
			operation: 'answerCallback',
			cardDataMode: 'json',
			cardJson: '{"status":"Approved"}',
			...perItem[i],
		}),
		credentials: { dingTalkStreamApi: credentials() },
		continueOnFail,
	});

/**
 * Answer Callback calls no DingTalk API: it hands the card update to the trigger through n8n's `sendResponse`, so
 * no DingTalk error can reach it; its failures are the node's own (here: variables that are not JSON).
 */
describe('DingTalk → Card → Answer Callback', () => {
	it("hands the card update to n8n's response once (first item), calling no DingTalk API", async () => {
		const { output, responses } = await run([{}, {}]);
		const answer = {
			cardData: { cardParamMap: { status: 'Approved' } },
			cardUpdateOptions: { updateCardDataByKey: true },
		};
		expect(responses).toEqual([{ body: answer }]);
		expect(output).toEqual([
			{ json: { answered: true, answer }, pairedItem: { item: 0 } },
			{
				json: { answered: false, reason: 'the first item already answered the callback' },
				pairedItem: { item: 1 },
			},
		]);
		expect(fake.requests).toHaveLength(0);
	});

	it('replaces all variables when asked', async () => {
		const { responses } = await run([{ options: { replaceAll: true } }]);
		expect(responses[0].body).toMatchObject({ cardUpdateOptions: { updateCardDataByKey: false } });
	});

	it('refuses variables that are not JSON, saying which field', async () => {
		const error = await run([{ cardJson: '{not json' }]).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe('"Variables (JSON)" is not valid JSON');
	});

	it('under Continue On Fail, outputs an error item and sends no answer', async () => {
		const { output, responses } = await run([{ cardJson: '{not json' }], true);
		expect(output).toEqual([
			{ json: { error: '"Variables (JSON)" is not valid JSON' }, pairedItem: { item: 0 } },
		]);
		expect(responses).toEqual([]);
	});
});
