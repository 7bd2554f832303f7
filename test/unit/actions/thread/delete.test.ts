import { NodeApiError } from 'n8n-workflow';

import { XpertAi } from '../../../../nodes/XpertAi/XpertAi.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeXpert } from '../../support/fakeServices';

const { fake, credentials } = useFakeXpert();
const EXPERT = 'xpert-helpdesk-0001';
const expert = { __rl: true, mode: 'id', value: EXPERT };
const run = async (
	operation: 'ask' | 'delete',
	sessionKeys: string[],
	extraCredentials = {},
	continueOnFail = false,
) =>
	await runNode({
		node: new XpertAi(),
		items: sessionKeys.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: operation === 'ask' ? 'expert' : 'thread',
			operation,
			expert,
			sessionKey: sessionKeys[i],
			...(operation === 'ask' ? { message: 'hi' } : {}),
		}),
		credentials: { xpertAiApi: { ...credentials(), ...extraCredentials } },
		continueOnFail,
	});

describe('Xpert AI → Thread → Delete', () => {
	it("deletes the session's thread (the one Ask used), and says so when there is none", async () => {
		const asked = await run('ask', ['session-a']);
		const threadId = asked.output[0].json.threadId as string;
		fake.requests = [];
		const { output } = await run('delete', ['session-a', 'session-a']);
		expect(fake.requests.map((r) => [r.method, r.path, r.status])).toEqual([
			['DELETE', `/threads/${threadId}`, 204],
			['DELETE', `/threads/${threadId}`, 404],
		]);
		expect(fake.threads.has(threadId)).toBe(false);
		expect(output).toEqual([
			{ json: { deleted: true, threadId, sessionKey: 'session-a' }, pairedItem: { item: 0 } },
			{
				json: { deleted: false, reason: 'no such thread', threadId, sessionKey: 'session-a' },
				pairedItem: { item: 1 },
			},
		]);
	});

	it('reports a refused API key with what to check', async () => {
		const error = (await run('delete', ['session-a'], { apiKey: 'sk-x-wrong' }).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Xpert AI refused the API key');
		expect(error.description).toMatch(/Check API Key/);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		const { output } = await run('delete', ['', 'session-b'], {}, true);
		expect(output[0]).toEqual({
			json: { error: 'Session Key is empty: which conversation should end?' },
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: { deleted: false, sessionKey: 'session-b' },
			pairedItem: { item: 1 },
		});
	});
});
