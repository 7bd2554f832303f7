import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { useFakeDingTalk } from '../../support/fakeServices';
import { lookedUp, todoOperation } from './todoCases';

const { fake, credentials } = useFakeDingTalk();
const run = todoOperation('create', credentials);
beforeEach(() => fake.todos.clear());

const LINK = { appUrl: 'https://tickets.example/42' };
const todoRequests = () => fake.requestsTo(/^\/v1\.0\/todo\//);

describe('DingTalk → To-do → Create', () => {
	it('creates the to-do with union IDs in the path, operator, creator, executors and participants', async () => {
		const { output } = await run([
			{
				userId: 'manager0001',
				subject: 'Add the missing invoice',
				executorUserIds: 'eng0002, eng0003',
				additionalFields: {
					...LINK,
					pcUrl: 'https://tickets.example/42?pc',
					description: 'The approval needs it',
					dueTime: '2026-12-24T10:00:00.000Z',
					priority: 30,
					participantUserIds: 'eng0004',
					sourceId: 'approval-42',
				},
			},
		]);
		const [request] = todoRequests();
		expect([request.method, request.path, request.query]).toEqual([
			'POST',
			'/v1.0/todo/users/unionmanager0001/tasks',
			{ operatorId: 'unionmanager0001' },
		]);
		expect(request.body).toEqual({
			subject: 'Add the missing invoice',
			creatorId: 'unionmanager0001',
			detailUrl: { appUrl: 'https://tickets.example/42', pcUrl: 'https://tickets.example/42?pc' },
			executorIds: ['unioneng0002', 'unioneng0003'],
			participantIds: ['unioneng0004'],
			description: 'The approval needs it',
			dueTime: Date.parse('2026-12-24T10:00:00.000Z'),
			priority: 30,
			sourceId: 'approval-42',
		});
		const [created] = [...fake.todos.tasks.values()];
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			taskId: created.id,
			id: created.id,
			subject: 'Add the missing invoice',
		});
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('looks each distinct user ID up once per run, across fields and items', async () => {
		const item = {
			userId: 'manager0001',
			subject: 'Review',
			executorUserIds: 'eng0002, manager0001, eng0002',
			additionalFields: { ...LINK, participantUserIds: 'eng0002' },
		};
		const { output } = await run([item, item, { ...item, executorUserIds: 'eng0003' }]);
		expect(output).toHaveLength(3);
		expect(lookedUp(fake).sort()).toEqual(['eng0002', 'eng0003', 'manager0001']);
		expect(todoRequests().map((r) => (r.body as { executorIds: string[] }).executorIds)).toEqual([
			['unioneng0002', 'unionmanager0001'],
			['unioneng0002', 'unionmanager0001'],
			['unioneng0003'],
		]);
	});

	it("reads a due time without an offset in the workflow's time zone, as n8n's date picker means it", async () => {
		await run(
			[
				{
					userId: 'eng0001',
					subject: 'x',
					additionalFields: { ...LINK, dueTime: '2026-12-24T10:00:00' },
				},
			],
			false,
			'Asia/Shanghai',
		);
		expect((todoRequests()[0].body as { dueTime: number }).dueTime).toBe(
			Date.parse('2026-12-24T02:00:00.000Z'),
		);
	});

	it('one detail link serves both the app and the desktop', async () => {
		await run([
			{ userId: 'eng0001', subject: 'x', additionalFields: { pcUrl: 'https://pc.example/1' } },
		]);
		expect((todoRequests()[0].body as { detailUrl: unknown }).detailUrl).toEqual({
			appUrl: 'https://pc.example/1',
			pcUrl: 'https://pc.example/1',
		});
	});

	it('a user ID that does not resolve stops the item with an error naming it; nothing is created', async () => {
		const error = (await run([
			{
				userId: 'eng0001',
				subject: 'x',
				executorUserIds: 'eng0002, ghost42',
				additionalFields: LINK,
			},
		]).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'The user ID "ghost42" does not resolve to a union ID: DingTalk error 60121: 找不到该用户',
		);
		expect(error.description).toMatch(/visible range/);
		expect(todoRequests()).toHaveLength(0);
	});

	it('under Continue On Fail, an unknown creator gives an error item and the next item is created', async () => {
		const { output } = await run(
			[
				{ userId: 'ghost42', subject: 'x', additionalFields: LINK },
				{ userId: 'eng0005', subject: 'y', additionalFields: LINK },
			],
			true,
		);
		expect(output[0].json.error).toMatch(/^The user ID "ghost42" does not resolve/);
		expect(output[1].json).toMatchObject({ subject: 'y', taskId: expect.any(String) });
		expect(todoRequests().map((r) => r.path)).toEqual(['/v1.0/todo/users/unioneng0005/tasks']);
	});

	it('without a detail link, says what to fill and sends nothing', async () => {
		const error = (await run([{ userId: 'eng0001', subject: 'x', additionalFields: {} }]).catch(
			(e: unknown) => e,
		)) as NodeOperationError;
		expect(error.message).toBe(
			'DingTalk requires a detail link for a to-do: add "App Detail URL" or "PC Detail URL" under Additional Fields',
		);
		expect(todoRequests()).toHaveLength(0);
	});

	it.each([
		['a priority outside 10/20/30/40', { ...LINK, priority: 25 }, /"Priority" must be 10 \(low\)/],
		[
			'a link that is not http(s) or dingtalk',
			{ appUrl: 'javascript:alert(1)' },
			/"App Detail URL" must be/,
		],
		['a due time that is no date', { ...LINK, dueTime: 'next week' }, /"Due Time" is not a date/],
	])('%s is refused before anything is sent', async (_name, additionalFields, message) => {
		const error = (await run([{ userId: 'eng0001', subject: 'x', additionalFields }]).catch(
			(e: unknown) => e,
		)) as Error;
		expect(error.message).toMatch(message);
		expect(todoRequests()).toHaveLength(0);
	});

	it('without the to-do permission, names it as the console does (待办应用中待办写权限)', async () => {
		fake.todos.permissionDenied = true;
		const error = (await run([{ userId: 'eng0001', subject: 'x', additionalFields: LINK }]).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/Forbidden\.AccessDenied\.AccessTokenPermissionDenied/);
		expect(error.description).toMatch(
			/^The app lacks a permission for \/v1\.0\/todo\/users\/unioneng0001\/tasks\. Grant Todo\.Todo\.Write \(待办应用中待办写权限\)/,
		);
		expect(error.description).toMatch(
			/then publish a new version\. 应用缺少待办接口权限：.*待办应用中待办写权限/,
		);
	});

	it('a second to-do with the same Source ID gets DingTalk\'s "task exist" and the to-do hint', async () => {
		const item = { userId: 'eng0001', subject: 'x', additionalFields: { ...LINK, sourceId: 's1' } };
		await run([item]);
		const error = (await run([item]).catch((e: unknown) => e)) as NodeApiError;
		expect(error.message).toBe('DingTalk error todo.taskCreate.paramError: task exist');
		expect(error.description).toMatch(/^DingTalk refused the to-do: .*钉钉拒绝了该待办/);
		expect(fake.todos.tasks.size).toBe(1);
	});
});
