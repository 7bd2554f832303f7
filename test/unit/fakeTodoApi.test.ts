import axios from 'axios';

import { useFakeDingTalk } from './support/fakeServices';

/**
 * The fake DingTalk's to-do API refuses what DingTalk refuses (the node checks most of it first, so only these
 * tests see the fake's own checks) and keeps a record of every call.
 */
const { fake, fixture } = useFakeDingTalk();
const app = fixture.apps[0];
let token = '';

beforeAll(async () => {
	const answer = await axios.post(`${fake.baseUrl}/v1.0/oauth2/accessToken`, {
		appKey: app.clientId,
		appSecret: app.clientSecret,
	});
	token = answer.data.accessToken;
});
beforeEach(() => fake.todos.clear());

async function call(method: string, path: string, data?: unknown) {
	const answer = await axios.request({
		method,
		url: `${fake.baseUrl}${path}`,
		data,
		headers: { 'x-acs-dingtalk-access-token': token },
		validateStatus: () => true,
	});
	return { status: answer.status, body: answer.data as Record<string, unknown> };
}

const valid = {
	subject: 'Sign the contract',
	detailUrl: { appUrl: 'https://x.example', pcUrl: 'https://x.example' },
	executorIds: ['unioneng0002'],
};
const create = (body: unknown, owner = 'unioneng0001') =>
	call('POST', `/v1.0/todo/users/${owner}/tasks?operatorId=${owner}`, body);

describe('fake DingTalk: to-dos', () => {
	it.each<[string, Record<string, unknown>, string, string]>([
		['a user ID where a union ID belongs (path)', valid, 'eng0001', 'unionId is invalid: eng0001'],
		[
			'a user ID among the executors',
			{ ...valid, executorIds: ['eng0002'] },
			'unioneng0001',
			'executorIds is invalid: eng0002',
		],
		['a missing subject', { ...valid, subject: ' ' }, 'unioneng0001', 'subject is empty'],
		[
			'a priority not in 10/20/30/40',
			{ ...valid, priority: 25 },
			'unioneng0001',
			'priority is invalid',
		],
		[
			'a missing detail link',
			{ ...valid, detailUrl: undefined },
			'unioneng0001',
			'detailUrl is empty',
		],
	])('refuses %s with 400 todo.taskCreate.paramError', async (_name, body, owner, message) => {
		const answer = await create(body, owner);
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual({
			code: 'todo.taskCreate.paramError',
			message,
			requestid: expect.any(String),
		});
		expect(fake.todos.tasks.size).toBe(0);
	});

	it('creates, updates (done), pages, deletes; an unknown task is "task not exist"; every call recorded', async () => {
		fake.todos.pageSize = 1;
		const first = await create(valid);
		const second = await create({ ...valid, subject: 'Second' });
		expect(first.status).toBe(200);
		const id = String(first.body.id);
		expect(first.body).toMatchObject({
			subject: 'Sign the contract',
			executorIds: ['unioneng0002'],
			done: false,
		});

		const done = await call(
			'PUT',
			`/v1.0/todo/users/unioneng0002/tasks/${id}?operatorId=unioneng0002`,
			{ done: true },
		);
		expect(done).toEqual({ status: 200, body: { result: true } });

		const page1 = await call('POST', '/v1.0/todo/users/unioneng0001/org/tasks/query', {});
		expect(page1.body).toMatchObject({
			todoCards: [{ taskId: id, isDone: true }],
			nextToken: 'page-1',
		});
		const page2 = await call('POST', '/v1.0/todo/users/unioneng0001/org/tasks/query', {
			nextToken: 'page-1',
		});
		expect(page2.body).toEqual({
			todoCards: [expect.objectContaining({ taskId: second.body.id })],
		});
		const bad = await call('POST', '/v1.0/todo/users/unioneng0001/org/tasks/query', {
			nextToken: 'forged',
		});
		expect([bad.status, bad.body.code]).toEqual([400, 'todo.orgTaskQuery.paramError']);

		expect((await call('DELETE', `/v1.0/todo/users/unioneng0001/tasks/${id}`)).body).toMatchObject({
			result: true,
		});
		for (const [method, code] of [
			['PUT', 'taskUpdate'],
			['DELETE', 'taskDelete'],
		]) {
			const gone = await call(method, `/v1.0/todo/users/unioneng0001/tasks/${id}`, { done: false });
			expect([gone.status, gone.body.code, gone.body.message]).toEqual([
				400,
				`todo.${code}.paramError`,
				'task not exist',
			]);
		}
		expect(fake.requestsTo(/^\/v1\.0\/todo\//)).toHaveLength(9);
	});

	it('without the to-do permission, answers 403 AccessTokenPermissionDenied', async () => {
		fake.todos.permissionDenied = true;
		const answer = await create(valid);
		expect([answer.status, answer.body.code]).toEqual([
			403,
			'Forbidden.AccessDenied.AccessTokenPermissionDenied',
		]);
	});

	it('without a token, answers as DingTalk does for any api call', async () => {
		const answer = await axios.post(`${fake.baseUrl}/v1.0/todo/users/unioneng0001/tasks`, valid, {
			validateStatus: () => true,
		});
		expect([answer.status, answer.data.code]).toEqual([
			400,
			'AuthenticationFailed.MissingParameter',
		]);
	});

	it('a fixture user without a union ID gets a deterministic one', async () => {
		const { FakeDingTalk } = await import('../fake-dingtalk');
		const other = new FakeDingTalk({ users: [{ userid: 'u1', name: 'U', deptIds: [1] }] });
		expect(other.users.get('u1')?.unionid).toBe('unionu1');
	});
});
