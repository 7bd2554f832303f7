import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as todoApi from '../../../../nodes/DingTalk/api/todo';
import { useFakeDingTalk } from '../../support/fakeServices';
import { lookedUp, seedTodo, todoOperation } from './todoCases';

const { fake, credentials } = useFakeDingTalk();
const run = todoOperation('update', credentials);
beforeEach(() => fake.todos.clear());

const todoRequests = () => fake.requestsTo(/^\/v1\.0\/todo\//);

describe('DingTalk → To-do → Update', () => {
	it("marks a to-do done, acting as the user's union ID", async () => {
		const todo = seedTodo(fake, 'unioneng0001');
		const { output } = await run([
			{ userId: 'eng0001', taskId: todo.id, updateFields: { done: true } },
		]);
		const [request] = todoRequests();
		expect([request.method, request.path, request.query, request.body]).toEqual([
			'PUT',
			`/v1.0/todo/users/unioneng0001/tasks/${todo.id}`,
			{ operatorId: 'unioneng0001' },
			{ done: true },
		]);
		expect(todo.done).toBe(true);
		expect(output[0].json).toEqual({ taskId: todo.id, success: true, done: true });
	});

	it('replaces executors and participants with their union IDs, and sets subject and due time', async () => {
		const todo = seedTodo(fake, 'unioneng0001', { executorIds: ['unioneng0002'] });
		await run([
			{
				userId: 'eng0001',
				taskId: todo.id,
				updateFields: {
					subject: 'Renamed',
					dueTime: 1_800_000_000_000,
					executorUserIds: 'eng0003, eng0004',
					participantUserIds: ['eng0001'],
					done: false,
				},
			},
		]);
		expect(todoRequests()[0].body).toEqual({
			subject: 'Renamed',
			done: false,
			dueTime: 1_800_000_000_000,
			executorIds: ['unioneng0003', 'unioneng0004'],
			participantIds: ['unioneng0001'],
		});
		expect(todo).toMatchObject({
			subject: 'Renamed',
			executorIds: ['unioneng0003', 'unioneng0004'],
		});
		expect(lookedUp(fake).sort()).toEqual(['eng0001', 'eng0003', 'eng0004']);
	});

	it('an unknown task gives DingTalk\'s "task not exist" with the to-do hint', async () => {
		const error = (await run([
			{ userId: 'eng0001', taskId: 'taskNope', updateFields: { done: true } },
		]).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('DingTalk error todo.taskUpdate.paramError: task not exist');
		expect(error.description).toMatch(/Task ID is one this app created/);
	});

	it('with nothing to update, says so and sends nothing', async () => {
		const error = (await run([{ userId: 'eng0001', taskId: 't1', updateFields: {} }]).catch(
			(e: unknown) => e,
		)) as NodeOperationError;
		expect(error.message).toBe('Nothing to update: add a field under Update Fields (e.g. Done)');
		expect(fake.requests).toHaveLength(0);
	});

	it.each([['..'], ['.']])(
		'a Task ID of "%s" is refused, never resolved into another path',
		async (taskId) => {
			const error = (await run([{ userId: 'eng0001', taskId, updateFields: { done: true } }]).catch(
				(e: unknown) => e,
			)) as Error;
			expect(error.message).toBe(`DingTalk error invalidId: "${taskId}" is not a valid task ID`);
			expect(todoRequests()).toHaveLength(0);
		},
	);

	it('a Task ID with a slash or query characters stays one path segment', async () => {
		await run([{ userId: 'eng0001', taskId: 'a/b?c=d#e', updateFields: { done: true } }], true);
		const [request] = todoRequests();
		expect(request.path).toBe('/v1.0/todo/users/unioneng0001/tasks/a%2Fb%3Fc%3Dd%23e');
		expect(request.query).toEqual({ operatorId: 'unioneng0001' });
	});

	it('says success: false when DingTalk answers result false', async () => {
		const answer = jest.spyOn(todoApi, 'updateTodo').mockResolvedValueOnce({ result: false });
		try {
			const { output } = await run([
				{ userId: 'eng0001', taskId: 't1', updateFields: { done: true } },
			]);
			expect(output[0].json).toEqual({ taskId: 't1', success: false, done: true });
		} finally {
			answer.mockRestore();
		}
	});
});
