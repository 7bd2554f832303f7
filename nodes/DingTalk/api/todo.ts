import type { IDataObject } from 'n8n-workflow';

import { type DingTalkClient, DingTalkApiError } from '../transport';

/**
 * DingTalk to-dos (待办, todo_1_0 on api.dingtalk.com). Every person in these calls is a union ID, never a user ID.
 * Paths and fields are those of the `@alicloud/dingtalk` todo_1_0 models (CreateTodoTask, UpdateTodoTask,
 * DeleteTodoTask, QueryOrgTodoTasks).
 */

/** DingTalk's priorities: 10 low, 20 normal, 30 urgent, 40 very urgent. */
export const TODO_PRIORITIES = [10, 20, 30, 40] as const;
export type TodoPriority = (typeof TODO_PRIORITIES)[number];

/** Where a click on the to-do leads, in the mobile app and on the desktop. */
export interface TodoDetailUrl {
	appUrl: string;
	pcUrl: string;
}

/** POST /v1.0/todo/users/{unionId}/tasks?operatorId= */
export interface CreateTodoRequest {
	subject: string;
	creatorId: string;
	executorIds?: string[];
	participantIds?: string[];
	description?: string;
	/** Epoch milliseconds. */
	dueTime?: number;
	priority?: TodoPriority;
	/** Required by DingTalk since 2024-02 (protocol notes §8.4; the models do not mark it: UNCONFIRMED). */
	detailUrl?: TodoDetailUrl;
	sourceId?: string;
}

/** PUT /v1.0/todo/users/{unionId}/tasks/{taskId}?operatorId= */
export interface UpdateTodoRequest {
	subject?: string;
	description?: string;
	dueTime?: number;
	done?: boolean;
	executorIds?: string[];
	participantIds?: string[];
}

/** POST /v1.0/todo/users/{unionId}/org/tasks/query */
export interface QueryTodosRequest {
	isDone?: boolean;
	nextToken?: string;
}

/** A to-do as the create call answers it (`id` is the task ID). */
export interface CreatedTodo extends IDataObject {
	id: string;
}

/** One to-do of the query's `todoCards`. */
export interface TodoCard extends IDataObject {
	taskId: string;
}

interface TodoCardsPage {
	todoCards?: TodoCard[];
	nextToken?: string;
}

/**
 * An ID as one path segment: percent-encoded, and never "." or ".." (which a URL parser would resolve into another
 * path). IDs come from input and from DingTalk's own answers, so neither is trusted.
 */
export function pathSegment(id: string, what: string): string {
	if (id === '' || id === '.' || id === '..') {
		throw new DingTalkApiError({
			code: 'invalidId',
			dingTalkMessage: `"${id}" is not a valid ${what}`,
			kind: 'invalidRequest',
			endpoint: '/v1.0/todo/users',
		});
	}
	return encodeURIComponent(id);
}

const tasksPath = (unionId: string) => `/v1.0/todo/users/${pathSegment(unionId, 'union ID')}/tasks`;

/** Creates a to-do in the list of `unionId`, acting as that user. Not repeated on a network error: it may exist. */
export async function createTodo(
	client: DingTalkClient,
	unionId: string,
	request: CreateTodoRequest,
): Promise<CreatedTodo> {
	return await client.api<CreatedTodo>('POST', tasksPath(unionId), request, {
		qs: { operatorId: unionId },
	});
}

/** Sets the given fields of a to-do; the same update twice leaves the same to-do, so it may be repeated. */
export async function updateTodo(
	client: DingTalkClient,
	unionId: string,
	taskId: string,
	request: UpdateTodoRequest,
): Promise<{ result?: boolean }> {
	return await client.api<{ result?: boolean }>(
		'PUT',
		`${tasksPath(unionId)}/${pathSegment(taskId, 'task ID')}`,
		request,
		{ qs: { operatorId: unionId }, idempotent: true },
	);
}

/** Deletes a to-do. Not repeated on a network error: a repeat of a delete that went through answers "task not exist". */
export async function deleteTodo(
	client: DingTalkClient,
	unionId: string,
	taskId: string,
): Promise<{ result?: boolean }> {
	return await client.api<{ result?: boolean }>(
		'DELETE',
		`${tasksPath(unionId)}/${pathSegment(taskId, 'task ID')}`,
		undefined,
		{ qs: { operatorId: unionId } },
	);
}

/** One page of the to-dos in the organisation that `unionId` creates, executes or takes part in. */
export async function queryTodosPage(
	client: DingTalkClient,
	unionId: string,
	request: QueryTodosRequest,
): Promise<{ todos: TodoCard[]; nextToken?: string }> {
	const answer = await client.api<TodoCardsPage>(
		'POST',
		`/v1.0/todo/users/${pathSegment(unionId, 'union ID')}/org/tasks/query`,
		request,
		{ idempotent: true },
	);
	const todos = Array.isArray(answer?.todoCards) ? answer.todoCards : [];
	const nextToken =
		typeof answer?.nextToken === 'string' && answer.nextToken !== '' ? answer.nextToken : undefined;
	return { todos, nextToken };
}

/** Bounds the paging when DingTalk keeps answering with a next token but no to-dos. */
const MAX_EMPTY_PAGES = 3;

/** The to-dos of `unionId`, paging with DingTalk's `nextToken` up to `max`. */
export async function listTodos(
	client: DingTalkClient,
	unionId: string,
	isDone: boolean | undefined,
	max = Number.POSITIVE_INFINITY,
): Promise<TodoCard[]> {
	const todos: TodoCard[] = [];
	const seenTokens = new Set<string>();
	let nextToken: string | undefined;
	let emptyPages = 0;
	do {
		const page = await queryTodosPage(client, unionId, {
			...(isDone === undefined ? {} : { isDone }),
			...(nextToken === undefined ? {} : { nextToken }),
		});
		todos.push(...page.todos.slice(0, max - todos.length));
		emptyPages = page.todos.length === 0 ? emptyPages + 1 : 0;
		nextToken = page.nextToken;
		// A token seen before would page forever.
		if (nextToken !== undefined) {
			if (seenTokens.has(nextToken)) break;
			seenTokens.add(nextToken);
		}
	} while (nextToken !== undefined && todos.length < max && emptyPages < MAX_EMPTY_PAGES);
	return todos;
}
