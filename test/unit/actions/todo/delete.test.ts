import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as todoApi from '../../../../nodes/DingTalk/api/todo';
import { useFakeDingTalk } from '../../support/fakeServices';
import { seedTodo, todoOperation } from './todoCases';

const { fake, credentials } = useFakeDingTalk();
const run = todoOperation('delete', credentials);
beforeEach(() => fake.todos.clear());

const todoRequests = () => fake.requestsTo(/^\/v1\.0\/todo\//);

describe('DingTalk → To-do → Delete', () => {
	it("deletes the to-do as the user's union ID", async () => {
		const todo = seedTodo(fake, 'unionsales0001');
		const { output } = await run([{ userId: 'sales0001', taskId: todo.id }]);
		const [request] = todoRequests();
		expect([request.method, request.path, request.query]).toEqual([
			'DELETE',
			`/v1.0/todo/users/unionsales0001/tasks/${todo.id}`,
			{ operatorId: 'unionsales0001' },
		]);
		expect(todo.deleted).toBe(true);
		expect(output[0].json).toEqual({ taskId: todo.id, deleted: true });
	});

	it('a to-do of someone else is DingTalk\'s "task not exist"; it stays', async () => {
		const todo = seedTodo(fake, 'unionsales0001');
		const error = (await run([{ userId: 'sales0002', taskId: todo.id }]).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('DingTalk error todo.taskDelete.paramError: task not exist');
		expect(todo.deleted).toBe(false);
	});

	it('an unknown user ID is named, and nothing is deleted', async () => {
		const todo = seedTodo(fake, 'unionsales0001');
		const error = (await run([{ userId: 'unionsales0001', taskId: todo.id }]).catch(
			(e: unknown) => e,
		)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^The user ID "unionsales0001" does not resolve to a union ID/);
		expect(todoRequests()).toHaveLength(0);
		expect(todo.deleted).toBe(false);
	});

	it('says deleted: false when DingTalk answers result false', async () => {
		const todo = seedTodo(fake, 'unionsales0001');
		const answer = jest.spyOn(todoApi, 'deleteTodo').mockResolvedValueOnce({ result: false });
		try {
			const { output } = await run([{ userId: 'sales0001', taskId: todo.id }]);
			expect(output[0].json).toEqual({ taskId: todo.id, deleted: false });
		} finally {
			answer.mockRestore();
		}
	});
});
