import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { requiredList, requiredString, returnAllLimit } from '../../../nodes/shared/parameters';

const node = { name: 'DingTalk' } as INode;

/** Just what the parameter helpers use: parameters by name (per item the same) and the node. */
function contextWith(
	parameters: Record<string, unknown>,
	calls: unknown[][] = [],
): IExecuteFunctions {
	return {
		getNode: () => node,
		getNodeParameter: (...args: unknown[]) => {
			calls.push(args);
			const name = args[0] as string;
			return name in parameters ? parameters[name] : args[2];
		},
	} as unknown as IExecuteFunctions;
}

const errorOf = (run: () => unknown) => {
	try {
		run();
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('did not throw');
};

describe('requiredString', () => {
	it('returns the trimmed text', () => {
		expect(
			requiredString(contextWith({ outTrackId: '  card-1 \n' }), 'outTrackId', 0, 'Out Track ID'),
		).toBe('card-1');
	});

	it.each([[''], ['   '], [undefined], [null]])(
		'stops the item on %p with the label, as each operation did',
		(value) => {
			const error = errorOf(() =>
				requiredString(contextWith({ outTrackId: value }), 'outTrackId', 3, 'Out Track ID'),
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect([error.message, error.context.itemIndex]).toEqual(['"Out Track ID" is empty', 3]);
		},
	);

	it("reads a resource locator's value, and takes a message of its own", () => {
		const calls: unknown[][] = [];
		expect(
			requiredString(contextWith({ userId: 'u1' }, calls), 'userId', 0, 'User', {
				extractValue: true,
			}),
		).toBe('u1');
		expect(calls[0]).toEqual(['userId', 0, '', { extractValue: true }]);
		expect(
			errorOf(() =>
				requiredString(contextWith({}), 'message', 0, 'Message', { message: 'Message is empty' }),
			).message,
		).toBe('Message is empty');
	});
});

describe('requiredList', () => {
	const split = (value: unknown) =>
		String(value ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);

	it('returns the parsed list, or stops the item when it is empty', () => {
		expect(requiredList(contextWith({ userIds: 'a, b' }), 'userIds', 0, 'User IDs', split)).toEqual(
			['a', 'b'],
		);
		expect(
			errorOf(() => requiredList(contextWith({ userIds: ' , ' }), 'userIds', 1, 'User IDs', split))
				.message,
		).toBe('"User IDs" is empty');
	});
});

describe('returnAllLimit', () => {
	it('is unbounded with Return All, else Limit (50 when unset)', () => {
		expect(returnAllLimit(contextWith({ returnAll: true, limit: 5 }), 0)).toBe(
			Number.POSITIVE_INFINITY,
		);
		expect(returnAllLimit(contextWith({ returnAll: false, limit: 5 }), 0)).toBe(5);
		expect(returnAllLimit(contextWith({}), 0)).toBe(50);
	});
});
