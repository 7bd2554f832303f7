import { NodeApiError } from 'n8n-workflow';

import { XpertAi } from '../../../../nodes/XpertAi/XpertAi.node';
import { FakeXpert } from '../../../fake-xpert';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeXpert } from '../../support/fakeServices';

const { fake, credentials } = useFakeXpert();
const EXPERT = 'xpert-helpdesk-0001';
const run = async (perItem: object[], extraCredentials = {}, continueOnFail = false) =>
	await runNode({
		node: new XpertAi(),
		items: perItem.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'expert',
			operation: 'ask',
			expert: { __rl: true, mode: 'id', value: EXPERT },
			message: 'VPN is down',
			sessionKey: 'session-a',
			...perItem[i],
		}),
		credentials: { xpertAiApi: { ...credentials(), ...extraCredentials } },
		continueOnFail,
	});

describe('Xpert AI → Digital Expert → Ask', () => {
	it("opens the session's thread, waits for the answer and outputs it", async () => {
		const { output } = await run([{}]);
		const [open, wait] = fake.requests;
		expect(open).toMatchObject({ method: 'POST', path: '/threads', status: 200 });
		const threadId = (open.body as { thread_id: string }).thread_id;
		expect(open.body).toEqual({
			thread_id: threadId,
			assistant_id: EXPERT,
			metadata: { title: 'session-a', sessionKey: 'session-a' },
			if_exists: 'do_nothing',
		});
		expect(wait).toMatchObject({
			method: 'POST',
			path: `/threads/${threadId}/runs/wait`,
			body: {
				assistant_id: EXPERT,
				input: { action: 'send', message: { input: { input: 'VPN is down' } } },
			},
		});
		const answer = FakeXpert.answer(fake.experts[0], 'VPN is down', 1);
		expect(output).toEqual([
			{
				json: { answer, expertId: EXPERT, threadId, sessionKey: 'session-a' },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('keeps one thread per session key and starts a new one without a key', async () => {
		const { output } = await run([{}, { message: 'still down' }, { sessionKey: '' }]);
		expect(output[1].json.threadId).toBe(output[0].json.threadId);
		expect(output[1].json.answer).toMatch(/turn 2 of this conversation/);
		expect(output[2].json.threadId).not.toBe(output[0].json.threadId);
		expect(output[2].json.answer).toMatch(/turn 1 of this conversation/);
	});

	it('reports a refused API key with what to check', async () => {
		const error = (await run([{}], { apiKey: 'sk-x-wrong' }).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Xpert AI refused the API key');
		expect(error.description).toMatch(/Check API Key/);
		expect(error.httpCode).toBe('401');
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		const { output } = await run(
			[{ expert: { __rl: true, mode: 'id', value: 'xpert-unknown' } }, {}],
			{},
			true,
		);
		expect(output[0]).toEqual({
			json: { error: 'Digital Expert not found' },
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: { expertId: EXPERT, answer: expect.stringMatching(/IT Helpdesk/) },
			pairedItem: { item: 1 },
		});
	});
});
