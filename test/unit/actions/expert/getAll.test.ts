import { NodeApiError } from 'n8n-workflow';

import { XpertAi } from '../../../../nodes/XpertAi/XpertAi.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeXpert } from '../../support/fakeServices';

const { fake, credentials } = useFakeXpert();
const run = async (extra = {}, extraCredentials = {}, continueOnFail = false, items = 1) =>
	await runNode({
		node: new XpertAi(),
		items: Array.from({ length: items }, () => ({ json: {} })),
		parameters: { resource: 'expert', operation: 'getAll', ...extra },
		credentials: { xpertAiApi: { ...credentials(), ...extraCredentials } },
		continueOnFail,
	});

describe('Xpert AI → Digital Expert → Get Many', () => {
	it('lists the experts the key can see, one item each', async () => {
		const { output } = await run({ returnAll: true });
		expect(fake.requests).toMatchObject([
			{ method: 'POST', path: '/assistants/search', body: { limit: 100, offset: 0 } },
		]);
		expect(output.map((o) => [o.json.id, o.json.name, o.json.description, o.pairedItem])).toEqual([
			['xpert-helpdesk-0001', 'IT Helpdesk', 'Answers IT questions', { item: 0 }],
			['xpert-hr-0002', 'HR Assistant', 'Leave, payroll and benefits', { item: 0 }],
		]);
	});

	it('asks for no more than the limit', async () => {
		const { output } = await run({ limit: 1 });
		expect(fake.requests[0].body).toEqual({ limit: 1, offset: 0 });
		expect(output.map((o) => o.json.id)).toEqual(['xpert-helpdesk-0001']);
	});

	it('reports a refused API key with what to check', async () => {
		const error = (await run({}, { apiKey: 'sk-x-wrong' }).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Xpert AI refused the API key');
		expect(error.description).toMatch(/Check API Key/);
	});

	it('under Continue On Fail, outputs an error item per failing item', async () => {
		const { output } = await run({}, { apiKey: 'sk-x-wrong' }, true, 2);
		expect(output).toEqual([
			{ json: { error: 'Xpert AI refused the API key' }, pairedItem: { item: 0 } },
			{ json: { error: 'Xpert AI refused the API key' }, pairedItem: { item: 1 } },
		]);
	});
});
