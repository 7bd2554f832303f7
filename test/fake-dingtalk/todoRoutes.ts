import { randomBytes } from 'crypto';

import { apiError, ok } from './replies';
import type { FakeReply, FakeRequest } from './types';
import type { FakeDingTalk } from './FakeDingTalk';

/**
 * DingTalk's to-do API (todo_1_0) on the fake: create, update, delete, and the organisation to-do query with its
 * `nextToken` paging. Paths and body fields are those of the `@alicloud/dingtalk` todo_1_0 models (CreateTodoTask,
 * UpdateTodoTask, DeleteTodoTask, QueryOrgTodoTasks). Error codes for an invalid parameter and an unknown task are
 * from a copy of DingTalk's reference (`todo.taskCreate.paramError`, `todo.taskUpdate.paramError` "task not exist");
 * their exact messages for each refusal, the delete and query codes, and the detail-link requirement (protocol notes
 * §8.4: required since 2024-02; the models do not mark it required) are UNCONFIRMED.
 */
export interface FakeTodo {
	id: string;
	/** The union ID in the path of the create call: whose to-do list it is. */
	ownerUnionId: string;
	creatorId: string;
	operatorId: string;
	subject: string;
	description?: string;
	dueTime?: number;
	priority?: number;
	executorIds: string[];
	participantIds: string[];
	detailUrl?: { appUrl?: string; pcUrl?: string };
	sourceId?: string;
	done: boolean;
	createdTime: number;
	modifiedTime: number;
	deleted: boolean;
}

const PRIORITIES = new Set([10, 20, 30, 40]);
/** DingTalk's own page size for the query is not documented: small, so paging is exercised. */
const DEFAULT_PAGE_SIZE = 20;
const MAX_TODOS = 10_000;

const TASKS = /^\/v1\.0\/todo\/users\/([^/]+)\/tasks$/;
const TASK = /^\/v1\.0\/todo\/users\/([^/]+)\/tasks\/([^/]+)$/;
const QUERY = /^\/v1\.0\/todo\/users\/([^/]+)\/org\/tasks\/query$/;

/** The to-dos the fake holds, and the switches a test turns (page size, a missing permission). */
export class FakeTodos {
	readonly tasks = new Map<string, FakeTodo>();
	pageSize = DEFAULT_PAGE_SIZE;
	/** When set, every to-do call is refused as DingTalk refuses an app without the to-do permission. */
	permissionDenied = false;

	clear(): void {
		this.tasks.clear();
		this.pageSize = DEFAULT_PAGE_SIZE;
		this.permissionDenied = false;
	}

	/** The to-dos a union ID's list shows (creator, executor or participant), oldest first. */
	visibleTo(unionId: string): FakeTodo[] {
		return [...this.tasks.values()].filter(
			(t) =>
				!t.deleted &&
				(t.ownerUnionId === unionId ||
					t.creatorId === unionId ||
					t.executorIds.includes(unionId) ||
					t.participantIds.includes(unionId)),
		);
	}
}

/** Whether a request is one of the to-do routes (they carry IDs in the path, so they are not in the exact table). */
export function isTodoRoute(method: string, path: string): boolean {
	return (
		(method === 'POST' && (TASKS.test(path) || QUERY.test(path))) ||
		((method === 'PUT' || method === 'DELETE') && TASK.test(path))
	);
}

export function todoRoute(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const todos = fake.todos;
	if (todos.permissionDenied) {
		// The code is DingTalk's for a missing API permission (protocol notes §4.9); the message text is UNCONFIRMED.
		return apiError(
			403,
			'Forbidden.AccessDenied.AccessTokenPermissionDenied',
			'没有调用该接口的权限，接口权限申请参考：待办应用中待办写权限',
		);
	}
	const tasks = TASKS.exec(req.path);
	if (tasks && req.method === 'POST') return createTodo(fake, decode(tasks[1]), req);
	const query = QUERY.exec(req.path);
	if (query) return queryTodos(fake, decode(query[1]), req);
	const task = TASK.exec(req.path) as RegExpExecArray;
	return req.method === 'PUT'
		? updateTodo(fake, decode(task[1]), decode(task[2]), req)
		: deleteTodo(fake, decode(task[1]), decode(task[2]));
}

function decode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

function isUnionId(fake: FakeDingTalk, unionId: unknown): boolean {
	return typeof unionId === 'string' && [...fake.users.values()].some((u) => u.unionid === unionId);
}

/** The first ID in the list that is no union ID of the organisation (a user ID where a union ID belongs). */
function unknownUnionId(fake: FakeDingTalk, ids: unknown): string | undefined {
	if (ids === undefined) return undefined;
	if (!Array.isArray(ids)) return String(ids);
	return ids.find((id) => !isUnionId(fake, id)) as string | undefined;
}

const paramError = (operation: string, message: string) =>
	apiError(400, `todo.${operation}.paramError`, message);

function createTodo(fake: FakeDingTalk, unionId: string, req: FakeRequest): FakeReply {
	const body = (req.body ?? {}) as Record<string, unknown>;
	const operatorId = req.query.operatorId;
	// UNCONFIRMED: DingTalk's message for a union ID it does not know (a user ID given instead, typically).
	if (!isUnionId(fake, unionId)) return paramError('taskCreate', `unionId is invalid: ${unionId}`);
	if (operatorId !== undefined && !isUnionId(fake, operatorId))
		return paramError('taskCreate', `operatorId is invalid: ${operatorId}`);
	if (typeof body.subject !== 'string' || !body.subject.trim())
		return paramError('taskCreate', 'subject is empty');
	if ([...body.subject].length > 1024) return paramError('taskCreate', 'subject is oversize');
	if (body.priority !== undefined && !PRIORITIES.has(body.priority as number))
		return paramError('taskCreate', 'priority is invalid');
	const detailUrl = body.detailUrl as { appUrl?: unknown; pcUrl?: unknown } | undefined;
	if (
		!detailUrl ||
		typeof detailUrl !== 'object' ||
		(typeof detailUrl.appUrl !== 'string' && typeof detailUrl.pcUrl !== 'string')
	)
		return paramError('taskCreate', 'detailUrl is empty');
	if (body.dueTime !== undefined && !Number.isSafeInteger(body.dueTime))
		return paramError('taskCreate', 'dueTime is invalid');
	for (const field of ['executorIds', 'participantIds'] as const) {
		const unknown = unknownUnionId(fake, body[field]);
		if (unknown !== undefined)
			return paramError('taskCreate', `${field} is invalid: ${String(unknown)}`);
	}
	if (
		typeof body.sourceId === 'string' &&
		[...fake.todos.tasks.values()].some((t) => !t.deleted && t.sourceId === body.sourceId)
	)
		return paramError('taskCreate', 'task exist');
	if (fake.todos.tasks.size >= MAX_TODOS) return paramError('taskCreate', 'too many tasks');
	const now = Date.now();
	const todo: FakeTodo = {
		id: `task${randomBytes(8).toString('hex')}`,
		ownerUnionId: unionId,
		creatorId: typeof body.creatorId === 'string' ? body.creatorId : unionId,
		operatorId: operatorId ?? unionId,
		subject: body.subject,
		description: typeof body.description === 'string' ? body.description : undefined,
		dueTime: body.dueTime as number | undefined,
		priority: body.priority as number | undefined,
		executorIds: (body.executorIds as string[] | undefined) ?? [],
		participantIds: (body.participantIds as string[] | undefined) ?? [],
		detailUrl: detailUrl as FakeTodo['detailUrl'],
		sourceId: typeof body.sourceId === 'string' ? body.sourceId : undefined,
		done: false,
		createdTime: now,
		modifiedTime: now,
		deleted: false,
	};
	fake.todos.tasks.set(todo.id, todo);
	return ok({
		id: todo.id,
		subject: todo.subject,
		description: todo.description,
		dueTime: todo.dueTime,
		priority: todo.priority,
		creatorId: todo.creatorId,
		modifierId: todo.operatorId,
		executorIds: todo.executorIds,
		participantIds: todo.participantIds,
		detailUrl: todo.detailUrl,
		sourceId: todo.sourceId,
		done: false,
		createdTime: now,
		modifiedTime: now,
		source: 'isv',
		bizTag: 'isv',
		requestId: randomBytes(8).toString('hex'),
	});
}

/** The task, if it exists, is not deleted and the path's union ID may act on it. */
function findTask(fake: FakeDingTalk, unionId: string, taskId: string): FakeTodo | undefined {
	const todo = fake.todos.tasks.get(taskId);
	if (!todo || todo.deleted) return undefined;
	return fake.todos.visibleTo(unionId).includes(todo) ? todo : undefined;
}

function updateTodo(
	fake: FakeDingTalk,
	unionId: string,
	taskId: string,
	req: FakeRequest,
): FakeReply {
	const body = (req.body ?? {}) as Record<string, unknown>;
	if (!isUnionId(fake, unionId)) return paramError('taskUpdate', `unionId is invalid: ${unionId}`);
	const todo = findTask(fake, unionId, taskId);
	if (!todo) return paramError('taskUpdate', 'task not exist');
	if (body.subject !== undefined && (typeof body.subject !== 'string' || !body.subject.trim()))
		return paramError('taskUpdate', 'subject is empty');
	if (body.done !== undefined && typeof body.done !== 'boolean')
		return paramError('taskUpdate', 'done is invalid');
	if (body.dueTime !== undefined && !Number.isSafeInteger(body.dueTime))
		return paramError('taskUpdate', 'dueTime is invalid');
	for (const field of ['executorIds', 'participantIds'] as const) {
		const unknown = unknownUnionId(fake, body[field]);
		if (unknown !== undefined)
			return paramError('taskUpdate', `${field} is invalid: ${String(unknown)}`);
	}
	if (typeof body.subject === 'string') todo.subject = body.subject;
	if (typeof body.description === 'string') todo.description = body.description;
	if (typeof body.done === 'boolean') todo.done = body.done;
	if (body.dueTime !== undefined) todo.dueTime = body.dueTime as number;
	if (Array.isArray(body.executorIds)) todo.executorIds = body.executorIds as string[];
	if (Array.isArray(body.participantIds)) todo.participantIds = body.participantIds as string[];
	todo.modifiedTime = Date.now();
	return ok({ result: true });
}

function deleteTodo(fake: FakeDingTalk, unionId: string, taskId: string): FakeReply {
	// UNCONFIRMED: the delete call's codes (taken to follow the create and update calls').
	if (!isUnionId(fake, unionId)) return paramError('taskDelete', `unionId is invalid: ${unionId}`);
	const todo = findTask(fake, unionId, taskId);
	if (!todo) return paramError('taskDelete', 'task not exist');
	todo.deleted = true;
	return ok({ result: true, requestId: randomBytes(8).toString('hex') });
}

function queryTodos(fake: FakeDingTalk, unionId: string, req: FakeRequest): FakeReply {
	const body = (req.body ?? {}) as Record<string, unknown>;
	// UNCONFIRMED: the query call's codes.
	if (!isUnionId(fake, unionId))
		return paramError('orgTaskQuery', `unionId is invalid: ${unionId}`);
	if (body.isDone !== undefined && typeof body.isDone !== 'boolean')
		return paramError('orgTaskQuery', 'isDone is invalid');
	let offset = 0;
	if (body.nextToken !== undefined && body.nextToken !== '') {
		const parsed = /^page-(\d{1,6})$/.exec(String(body.nextToken));
		if (!parsed) return paramError('orgTaskQuery', 'nextToken is invalid');
		offset = Number(parsed[1]);
	}
	const matching = fake.todos
		.visibleTo(unionId)
		.filter((t) => body.isDone === undefined || t.done === body.isDone);
	const page = matching.slice(offset, offset + fake.todos.pageSize);
	const next = offset + page.length;
	return ok({
		todoCards: page.map((t) => ({
			taskId: t.id,
			subject: t.subject,
			isDone: t.done,
			dueTime: t.dueTime,
			priority: t.priority,
			creatorId: t.creatorId,
			detailUrl: t.detailUrl,
			sourceId: t.sourceId,
			createdTime: t.createdTime,
			modifiedTime: t.modifiedTime,
			bizTag: 'isv',
			todoType: 'TODO',
		})),
		...(next < matching.length ? { nextToken: `page-${next}` } : {}),
	});
}
