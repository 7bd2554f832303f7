import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listDepartmentUsersPage, listDepartments, ROOT_DEPARTMENT_ID } from '../api/directory';
import { clientFor, toNodeError } from '../transport';

const matches = (filter: string | undefined, ...values: unknown[]) =>
	!filter ||
	values.some((value) =>
		String(value ?? '')
			.toLowerCase()
			.includes(filter.toLowerCase()),
	);

/**
 * Users for the user picker: pages through the root department's members (the pagination token is DingTalk's
 * cursor) and filters by name or ID. Members only of sub-departments can still be entered by ID.
 */
export async function searchUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	try {
		const client = await clientFor(this);
		const page = await listDepartmentUsersPage(
			client,
			ROOT_DEPARTMENT_ID,
			Number(paginationToken ?? 0),
			'simple',
		);
		return {
			results: page.users
				.filter((user) => matches(filter, user.name, user.userid))
				.map((user) => ({
					name: `${String(user.name)} (${String(user.userid)})`,
					value: String(user.userid),
				})),
			paginationToken: page.nextCursor === undefined ? undefined : String(page.nextCursor),
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/** Departments for the department picker: the whole tree (up to 500), filtered by name or ID. */
export async function searchDepartments(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	try {
		const client = await clientFor(this);
		const departments = await listDepartments(client, ROOT_DEPARTMENT_ID, true, 500);
		const root = { name: 'Whole Organisation (1)', value: String(ROOT_DEPARTMENT_ID) };
		return {
			results: [
				...(matches(filter, root.name, root.value) ? [root] : []),
				...departments
					.filter((d) => matches(filter, d.name, d.dept_id))
					.map((d) => ({ name: `${d.name} (${d.dept_id})`, value: String(d.dept_id) })),
			],
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
