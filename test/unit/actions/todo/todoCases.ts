import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import type { FakeDingTalk } from '../../../fake-dingtalk';
import type { FakeTodo } from '../../../fake-dingtalk/todoRoutes';
import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';

/** A To-do operation run with one input item per parameter set; `userId` is given as a user ID (By ID). */
export function todoOperation(
	operation: string,
	credentials: () => ICredentialDataDecryptedObject,
) {
	return async (items: INodeParameters[], continueOnFail = false, timezone?: string) =>
		await runNode({
			timezone,
			node: new DingTalk(),
			items: items.map(() => ({ json: {} })),
			parameters: (i) => {
				const { userId, ...rest } = items[i];
				return {
					resource: 'todo',
					operation,
					userId: { __rl: true, mode: 'id', value: userId },
					...rest,
				};
			},
			credentials: { dingTalkStreamApi: credentials() },
			continueOnFail,
		});
}

/** A to-do already in DingTalk, in the list of `ownerUnionId` (its creator). */
export function seedTodo(
	fake: FakeDingTalk,
	ownerUnionId: string,
	fields: Partial<FakeTodo> = {},
): FakeTodo {
	const id = `taskSeed${fake.todos.tasks.size + 1}`;
	const todo: FakeTodo = {
		id,
		ownerUnionId,
		creatorId: ownerUnionId,
		operatorId: ownerUnionId,
		subject: `Seeded ${id}`,
		executorIds: [],
		participantIds: [],
		detailUrl: { appUrl: 'https://example.com/x', pcUrl: 'https://example.com/x' },
		done: false,
		createdTime: 1_700_000_000_000,
		modifiedTime: 1_700_000_000_000,
		deleted: false,
		...fields,
	};
	fake.todos.tasks.set(id, todo);
	return todo;
}

/** The user/get lookups the run made, by user ID. */
export const lookedUp = (fake: FakeDingTalk) =>
	fake.requestsTo('/topapi/v2/user/get').map((r) => (r.body as { userid: string }).userid);
