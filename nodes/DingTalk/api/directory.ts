import type { IDataObject } from 'n8n-workflow';

import type { DingTalkClient } from '../transport';

/**
 * The directory (legacy OpenAPI, oapi.dingtalk.com): departments and their members. Every call is a read, so the
 * client may repeat it after a network error. Answers are `{errcode, errmsg, result, request_id}`.
 */

/** DingTalk's page size maximum for department member lists. */
export const MAX_PAGE_SIZE = 100;
export const ROOT_DEPARTMENT_ID = 1;

/** DingTalk's `language` values for the directory APIs. */
export type DirectoryLanguage = 'zh_CN' | 'en_US';

export interface Department extends IDataObject {
	dept_id: number;
	name: string;
	parent_id?: number;
}

/** A member as listed: `userid` and `name`, and the whole profile with the full list. */
export interface DirectoryUser extends IDataObject {
	userid: string;
	name: string;
}

interface LegacyResult<T> {
	result?: T;
}

/** POST /topapi/v2/department/listsub */
export interface ListSubDepartmentsRequest {
	dept_id: number;
	language: DirectoryLanguage;
}

/** POST /topapi/user/listsimple (ID and name) or /topapi/v2/user/list (full profile): one page of direct members. */
export interface ListDepartmentUsersRequest {
	dept_id: number;
	cursor: number;
	size: number;
	language: DirectoryLanguage;
}

export interface DepartmentUsersPage {
	has_more?: boolean;
	next_cursor?: number;
	list?: DirectoryUser[];
}

/** POST /topapi/v2/user/get */
export interface GetUserRequest {
	userid: string;
	language: DirectoryLanguage;
}

/** DingTalk's `language` parameter for the directory APIs, from the credential's Preferred Language. */
export function directoryLanguage(client: DingTalkClient): DirectoryLanguage {
	return client.app.language === 'zh-CN' ? 'zh_CN' : 'en_US';
}

export async function listSubDepartments(
	client: DingTalkClient,
	parentId: number,
): Promise<Department[]> {
	const request: ListSubDepartmentsRequest = {
		dept_id: parentId,
		language: directoryLanguage(client),
	};
	const answer = await client.legacy<LegacyResult<Department[]>>(
		'POST',
		'/topapi/v2/department/listsub',
		request,
		{ idempotent: true },
	);
	return answer.result ?? [];
}

/** Departments below `parentId`, breadth-first; all levels when recursive, else direct children only. */
export async function listDepartments(
	client: DingTalkClient,
	parentId: number,
	recursive: boolean,
	max = Number.POSITIVE_INFINITY,
): Promise<Department[]> {
	const found: Department[] = [];
	const queue = [parentId];
	const seen = new Set<number>([parentId]);
	while (queue.length > 0 && found.length < max) {
		const children = await listSubDepartments(client, queue.shift() as number);
		for (const child of children) {
			if (seen.has(child.dept_id)) continue;
			seen.add(child.dept_id);
			found.push(child);
			if (recursive) queue.push(child.dept_id);
		}
	}
	return found.slice(0, max);
}

/** One page of a department's direct members. */
export async function listDepartmentUsersPage(
	client: DingTalkClient,
	departmentId: number,
	cursor: number,
	detail: 'simple' | 'full',
	size = MAX_PAGE_SIZE,
): Promise<{ users: DirectoryUser[]; nextCursor?: number }> {
	const request: ListDepartmentUsersRequest = {
		dept_id: departmentId,
		cursor,
		size,
		language: directoryLanguage(client),
	};
	const answer = await client.legacy<LegacyResult<DepartmentUsersPage>>(
		'POST',
		detail === 'full' ? '/topapi/v2/user/list' : '/topapi/user/listsimple',
		request,
		{ idempotent: true },
	);
	const page = answer.result ?? {};
	return { users: page.list ?? [], nextCursor: page.has_more ? page.next_cursor : undefined };
}

/** Members of the departments, paging through each and skipping users already seen in another department. */
export async function listUsers(
	client: DingTalkClient,
	departmentIds: number[],
	detail: 'simple' | 'full',
	max = Number.POSITIVE_INFINITY,
): Promise<IDataObject[]> {
	const users: IDataObject[] = [];
	const seen = new Set<string>();
	for (const departmentId of departmentIds) {
		let cursor: number | undefined = 0;
		while (cursor !== undefined && users.length < max) {
			const page = await listDepartmentUsersPage(client, departmentId, cursor, detail);
			for (const user of page.users) {
				const id = String(user.userid);
				if (seen.has(id)) continue;
				seen.add(id);
				users.push({ ...user, departmentId });
				if (users.length >= max) break;
			}
			cursor = page.nextCursor;
		}
		if (users.length >= max) break;
	}
	return users;
}

export async function getUser(client: DingTalkClient, userId: string): Promise<IDataObject> {
	const request: GetUserRequest = { userid: userId, language: directoryLanguage(client) };
	const answer = await client.legacy<LegacyResult<DirectoryUser>>(
		'POST',
		'/topapi/v2/user/get',
		request,
		{ idempotent: true },
	);
	return answer.result ?? {};
}
