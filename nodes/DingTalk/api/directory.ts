import type { IDataObject } from 'n8n-workflow';

import type { DingTalkClient } from '../transport';

/** DingTalk's page size maximum for department member lists. */
export const MAX_PAGE_SIZE = 100;
export const ROOT_DEPARTMENT_ID = 1;

export interface Department extends IDataObject {
	dept_id: number;
	name: string;
	parent_id?: number;
}

interface Page<T> {
	has_more?: boolean;
	next_cursor?: number;
	list?: T[];
}

/** DingTalk's `language` parameter for the directory APIs, from the credential's Preferred Language. */
export function directoryLanguage(client: DingTalkClient): string {
	return client.app.language === 'zh-CN' ? 'zh_CN' : 'en_US';
}

export async function listSubDepartments(client: DingTalkClient, parentId: number): Promise<Department[]> {
	const answer = await client.legacy<{ result?: Department[] }>(
		'POST',
		'/topapi/v2/department/listsub',
		{ dept_id: parentId, language: directoryLanguage(client) },
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
): Promise<{ users: IDataObject[]; nextCursor?: number }> {
	const answer = await client.legacy<{ result?: Page<IDataObject> }>(
		'POST',
		detail === 'full' ? '/topapi/v2/user/list' : '/topapi/user/listsimple',
		{ dept_id: departmentId, cursor, size, language: directoryLanguage(client) },
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
	const answer = await client.legacy<{ result?: IDataObject }>(
		'POST',
		'/topapi/v2/user/get',
		{ userid: userId, language: directoryLanguage(client) },
		{ idempotent: true },
	);
	return answer.result ?? {};
}
