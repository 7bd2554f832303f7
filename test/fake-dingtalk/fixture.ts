import type { FakeApp, FakeConversation, FakeDepartment, FakeUser } from './types';

/** A small, realistic organisation: one app, a department tree three levels deep, a dozen users, two groups. */
export function defaultFixture(): {
	apps: FakeApp[];
	users: FakeUser[];
	departments: FakeDepartment[];
	conversations: FakeConversation[];
} {
	const departments: FakeDepartment[] = [
		{ dept_id: 1, name: 'Acme', parent_id: 0 },
		{ dept_id: 2, name: 'Engineering', parent_id: 1 },
		{ dept_id: 3, name: 'Sales', parent_id: 1 },
		{ dept_id: 4, name: 'Platform', parent_id: 2 },
		{ dept_id: 5, name: 'Mobile', parent_id: 2 },
	];
	const people: Array<[string, string, number[], string]> = [
		['manager0001', '张伟', [1], 'CEO'],
		['manager0002', 'Li Na', [1, 3], 'COO'],
		['eng0001', '王芳', [2], 'CTO'],
		['eng0002', 'Chen Jie', [2, 4], 'Engineer'],
		['eng0003', '刘洋', [4], 'Engineer'],
		['eng0004', 'Zhao Lei', [4], 'SRE'],
		['eng0005', '杨静', [5], 'iOS Engineer'],
		['eng0006', 'Huang Min', [5], 'Android Engineer'],
		['sales0001', '周杰', [3], 'Account Manager'],
		['sales0002', 'Wu Hua', [3], 'Account Manager'],
		['sales0003', '徐丽', [3], 'Sales Engineer'],
		['sales0004', 'Sun Qiang', [3], 'Intern'],
	];
	const users: FakeUser[] = people.map(([userid, name, deptIds, title], i) => ({
		userid,
		name,
		deptIds,
		title,
		unionid: `union${userid}`,
		mobile: `1380000${String(i).padStart(4, '0')}`,
		email: `${userid}@acme.example`,
		admin: i === 0,
	}));
	return {
		apps: [
			{
				clientId: 'dingfakeappkey0001',
				clientSecret: 'fake-secret-0001-abcdefghijklmnopqrstuvwxyz',
				robotCode: 'dingfakeappkey0001',
				corpId: 'dingfakecorp0001',
				callbackToken: 'fakeCallbackToken0001',
				callbackAesKey: 'fakeAesKey0001abcdefghijklmnopqrstuvwxyz012',
			},
		],
		users,
		departments,
		conversations: [
			{
				openConversationId: 'cidFakeGroup001==',
				title: 'Engineering',
				memberUserIds: users.slice(2, 8).map((u) => u.userid),
			},
			{
				openConversationId: 'cidFakeGroup002==',
				title: 'All hands',
				memberUserIds: users.map((u) => u.userid),
			},
		],
	};
}
