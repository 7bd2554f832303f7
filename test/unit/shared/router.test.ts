import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { createRouter, type Operation } from '../../../nodes/shared/router';

const node: INode = {
	id: 'n',
	name: 'Node',
	type: 'test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function contextFor(
	items: number,
	parameters: Record<string, string>,
	continueOnFail = false,
	onError?: INode['onError'],
) {
	return {
		getNodeParameter: (name: string) => parameters[name],
		getNode: () => (onError ? { ...node, onError } : node),
		getInputData: () => Array.from({ length: items }, () => ({ json: {} })),
		continueOnFail: () => continueOnFail,
	} as unknown as IExecuteFunctions;
}

/** Echoes its client and item; item 1 fails; item 2 answers with two items. */
const echo: Operation<string> = {
	description: [],
	async execute(client, i): Promise<IDataObject | IDataObject[]> {
		if (i === 1) throw new Error('item 1 failed');
		return i === 2
			? [
					{ client, i },
					{ client, i, second: true },
				]
			: { client, i };
	},
};

function router() {
	const clientFor = jest.fn(async () => 'client');
	const toNodeError = jest.fn(
		(_node: INode, error: unknown, i: number) =>
			new Error(`node error ${i}: ${(error as Error).message}`),
	);
	const run = createRouter<string>({
		resources: { thing: { echo } },
		clientFor,
		toNodeError,
		toItem: (error) => ({
			error: (error as Error).message,
			code: 'E1',
			message: 'what DingTalk said',
			hint: 'what to do',
		}),
	});
	return { run, clientFor, toNodeError };
}

describe("createRouter (both nodes' execute)", () => {
	it('refuses an operation its resources do not have, before getting a client', async () => {
		const { run, clientFor } = router();
		await expect(run.call(contextFor(1, { resource: 'thing', operation: 'nope' }))).rejects.toThrow(
			'The operation "nope" of "thing" is not supported',
		);
		await expect(run.call(contextFor(1, { resource: 'other', operation: 'echo' }))).rejects.toThrow(
			'The operation "echo" of "other" is not supported',
		);
		expect(clientFor).not.toHaveBeenCalled();
	});

	it('under Continue On Fail, outputs every item paired with its input, failures as error items; one client per run', async () => {
		const { run, clientFor } = router();
		const [output] = await run.call(contextFor(3, { resource: 'thing', operation: 'echo' }, true));
		expect(output).toEqual([
			{ json: { client: 'client', i: 0 }, pairedItem: { item: 0 } },
			{
				json: {
					error: 'item 1 failed',
					code: 'E1',
					message: 'what DingTalk said',
					hint: 'what to do',
				},
				pairedItem: { item: 1 },
			},
			{ json: { client: 'client', i: 2 }, pairedItem: { item: 2 } },
			{ json: { client: 'client', i: 2, second: true }, pairedItem: { item: 2 } },
		]);
		expect(clientFor).toHaveBeenCalledTimes(1);
	});

	it('under "Continue (using error output)", a failure holds only error, message and details, which is what sends n8n\'s item down the error output', async () => {
		const { run } = router();
		const [output] = await run.call(
			contextFor(2, { resource: 'thing', operation: 'echo' }, true, 'continueErrorOutput'),
		);
		expect(output).toEqual([
			{ json: { client: 'client', i: 0 }, pairedItem: { item: 0 } },
			{
				json: {
					error: 'item 1 failed',
					message: 'what DingTalk said',
					details: { code: 'E1', hint: 'what to do' },
				},
				pairedItem: { item: 1 },
			},
		]);
		// n8n-core's rule (WorkflowExecute.handleNodeErrorOutput) for an item without an `error` property.
		const failed = output[1].json;
		expect(Object.keys(failed).every((key) => ['error', 'message', 'details'].includes(key))).toBe(
			true,
		);
	});

	it("otherwise stops at the first failure with the node's error for that item", async () => {
		const { run, toNodeError } = router();
		await expect(run.call(contextFor(3, { resource: 'thing', operation: 'echo' }))).rejects.toThrow(
			'node error 1: item 1 failed',
		);
		expect(toNodeError).toHaveBeenCalledWith(node, expect.any(Error), 1);
	});
});
