import { legacyError, legacyOk } from './replies';
import type { FakeReply, FakeRequest, FakeUser } from './types';
import type { FakeDingTalk } from './FakeDingTalk';

type Body = Record<string, unknown>;

function page(
	fake: FakeDingTalk,
	body: Body,
): FakeReply | { members: FakeUser[]; cursor: number; size: number } {
	const deptId = Number(body.dept_id);
	if (!fake.departments.has(deptId)) return legacyError(60003, '部门不存在');
	const size = Number(body.size ?? 0);
	if (!Number.isInteger(size) || size < 1 || size > 100)
		return legacyError(400002, '无效的参数: size');
	const cursor = Number(body.cursor ?? 0);
	if (!Number.isInteger(cursor) || cursor < 0) return legacyError(400002, '无效的参数: cursor');
	// Direct members only, as DingTalk does; sub-departments are separate calls.
	const members = [...fake.users.values()].filter((u) => u.deptIds.includes(deptId));
	return { members, cursor, size };
}

function paged(
	members: FakeUser[],
	cursor: number,
	size: number,
	shape: (u: FakeUser) => Record<string, unknown>,
): FakeReply {
	const list = members.slice(cursor, cursor + size).map(shape);
	const hasMore = cursor + size < members.length;
	return legacyOk({
		result: { has_more: hasMore, ...(hasMore ? { next_cursor: cursor + size } : {}), list },
	});
}

const fullProfile = (u: FakeUser) => ({
	userid: u.userid,
	unionid: u.unionid,
	name: u.name,
	avatar: '',
	state_code: '86',
	mobile: u.mobile,
	hide_mobile: false,
	telephone: '',
	job_number: '',
	title: u.title,
	email: u.email,
	org_email: '',
	work_place: '',
	remark: '',
	dept_id_list: u.deptIds,
	dept_order: 0,
	extension: '{}',
	hired_date: 1_600_000_000_000,
	active: true,
	admin: Boolean(u.admin),
	boss: false,
	leader: false,
	exclusive_account: false,
});

export function listSimple(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const p = page(fake, req.body as Body);
	return 'status' in p
		? p
		: paged(p.members, p.cursor, p.size, (u) => ({ userid: u.userid, name: u.name }));
}

export function listFull(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const p = page(fake, req.body as Body);
	return 'status' in p ? p : paged(p.members, p.cursor, p.size, fullProfile);
}

export function getUser(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const user = fake.users.get(String((req.body as Body).userid ?? ''));
	if (!user) return legacyError(60121, '找不到该用户');
	return legacyOk({
		result: {
			...fullProfile(user),
			manager_userid: '',
			real_authed: true,
			senior: false,
			role_list: [],
			leader_in_dept: [],
		},
	});
}

export function listSubDepartments(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const deptId = Number((req.body as Body).dept_id ?? 1);
	if (!fake.departments.has(deptId)) return legacyError(60003, '部门不存在');
	const result = [...fake.departments.values()]
		.filter((d) => d.parent_id === deptId && d.dept_id !== deptId)
		.map((d) => ({
			dept_id: d.dept_id,
			name: d.name,
			parent_id: d.parent_id,
			create_dept_group: false,
			auto_add_user: false,
		}));
	return legacyOk({ result });
}
