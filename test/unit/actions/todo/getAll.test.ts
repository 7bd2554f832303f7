import { useFakeDingTalk } from '../../support/fakeServices';
import { listTodos } from '../../../../nodes/DingTalk/api/todo';
import { AccessTokenCache, DingTalkClient } from '../../../../nodes/DingTalk/transport';
import { seedTodo, todoOperation } from './todoCases';

const { fake, credentials } = useFakeDingTalk();
const run = todoOperation('getAll', credentials);
beforeEach(() => fake.todos.clear());

const queries = () => fake.requestsTo(/^\/v1\.0\/todo\/users\/[^/]+\/org\/tasks\/query$/);

describe('DingTalk → To-do → Get Many', () => {
	beforeEach(() => {
		fake.todos.pageSize = 2;
		for (let n = 0; n < 5; n++) seedTodo(fake, 'unioneng0002', { done: n === 1 || n === 3 });
		seedTodo(fake, 'unioneng0003');
		seedTodo(fake, 'unioneng0003', { executorIds: ['unioneng0002'] });
	});

	it("pages through the user's to-dos with DingTalk's nextToken (Return All)", async () => {
		const { output } = await run([{ userId: 'eng0002', returnAll: true }]);
		expect(queries().map((r) => [r.path, r.body])).toEqual([
			// n8n's request helper sends no body for an empty object, as n8n-core does.
			['/v1.0/todo/users/unioneng0002/org/tasks/query', undefined],
			['/v1.0/todo/users/unioneng0002/org/tasks/query', { nextToken: 'page-2' }],
			['/v1.0/todo/users/unioneng0002/org/tasks/query', { nextToken: 'page-4' }],
		]);
		expect(output.map((o) => o.json.taskId)).toEqual([
			'taskSeed1',
			'taskSeed2',
			'taskSeed3',
			'taskSeed4',
			'taskSeed5',
			'taskSeed7',
		]);
		expect(output.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('stops paging at the limit', async () => {
		const { output } = await run([{ userId: 'eng0002', returnAll: false, limit: 3 }]);
		expect(output).toHaveLength(3);
		expect(queries()).toHaveLength(2);
	});

	it('the Done filter asks DingTalk for done (or open) to-dos only', async () => {
		const done = await run([{ userId: 'eng0002', returnAll: true, filters: { isDone: true } }]);
		expect(done.output.map((o) => [o.json.taskId, o.json.isDone])).toEqual([
			['taskSeed2', true],
			['taskSeed4', true],
		]);
		expect(queries()[0].body).toEqual({ isDone: true });
		fake.requests = [];
		const open = await run([{ userId: 'eng0002', returnAll: true, filters: { isDone: false } }]);
		expect(open.output.map((o) => o.json.taskId)).toEqual([
			'taskSeed1',
			'taskSeed3',
			'taskSeed5',
			'taskSeed7',
		]);
		expect(queries()[0].body).toEqual({ isDone: false });
	});

	it('a next token DingTalk repeats ends the paging instead of looping', async () => {
		let calls = 0;
		const client = new DingTalkClient(
			{
				...fake.appConfig(),
				apiBaseUrl: 'https://api.test',
				legacyApiBaseUrl: 'https://oapi.test',
			},
			async (request) => {
				if (request.url.endsWith('/v1.0/oauth2/accessToken'))
					return { status: 200, headers: {}, body: { accessToken: 't', expireIn: 7200 } };
				if (++calls > 20) throw new Error('still paging');
				return {
					status: 200,
					headers: {},
					body: { todoCards: [{ taskId: `t${calls}` }], nextToken: 'same' },
				};
			},
			{ tokenCache: new AccessTokenCache() },
		);
		const todos = await listTodos(client, 'u1', undefined);
		expect(todos.map((t) => t.taskId)).toEqual(['t1', 't2']);
	});
});
