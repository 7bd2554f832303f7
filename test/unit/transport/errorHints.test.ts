import {
	classify,
	ERROR_ROWS,
	errorRowFor,
	hintFor,
} from '../../../nodes/DingTalk/transport/errorHints';

describe('error hint rows', () => {
	it('no row is shadowed: each code a row lists selects that row', () => {
		for (const row of ERROR_ROWS) {
			for (const code of row.match?.codes ?? [])
				expect([code, errorRowFor(code, 200)]).toEqual([code, row]);
		}
	});

	it('a kind raised by the client itself gets its general row (network, and a delivery failure as userNotFound)', () => {
		expect(hintFor('network', '/v1.0/robot/x', 'ECONNREFUSED')).toMatch(
			/^DingTalk could not be reached/,
		);
		expect(
			hintFor('userNotFound', '/v1.0/card/instances/createAndDeliver', 'cardNotDelivered'),
		).toMatch(/^Check the user ID/);
		expect(hintFor('invalidResponse', '/v1.0/robot/x', 'INVALID_RESPONSE')).toBeUndefined();
	});

	it('a not-found answer names the department only for 60003', () => {
		expect([
			classify('60003', 200),
			hintFor('notFound', '/topapi/v2/department/listsub', '60003'),
		]).toEqual(['notFound', 'The department ID does not exist in this organisation.']);
		expect([classify('22', 200), hintFor('notFound', '/topapi/nope', '22')]).toEqual([
			'notFound',
			undefined,
		]);
		expect([classify('HTTP_404', 404), hintFor('notFound', '/v1.0/nope', 'HTTP_404')]).toEqual([
			'notFound',
			undefined,
		]);
	});

	it('the permission hint names the endpoint and its scope', () => {
		expect(
			hintFor(
				'permission',
				'/topapi/v2/user/get',
				'Forbidden.AccessDenied.AccessTokenPermissionDenied',
			),
		).toBe(
			'The app lacks a permission for /topapi/v2/user/get. Grant qyapi_get_member (成员信息读权限) in DingTalk Developer Console → your app → Permissions (权限管理), then publish a new version.',
		);
	});

	it('a refusal no row knows gets no hint (not the media limits, which only media codes get)', () => {
		expect([
			classify('invalidParameter', 400),
			hintFor('invalidRequest', '/v1.0/workflow/processInstances', 'invalidParameter'),
		]).toEqual(['invalidRequest', undefined]);
		expect(hintFor('invalidRequest', '/media/upload', '40004')).toMatch(/^DingTalk takes images/);
	});

	it('approval refusals: a task already done and an unknown process code are told in English, then Chinese', () => {
		expect(
			hintFor(
				classify('aflowProcessInstCanNotBeExecuted', 400),
				'/v1.0/workflow/processInstances/execute',
				'aflowProcessInstCanNotBeExecuted',
			),
		).toMatch(/^The task is already done.*该审批任务已处理/s);
		expect(
			hintFor(
				classify('aflowProcessNotExist', 400),
				'/v1.0/workflow/processInstances',
				'aflowProcessNotExist',
			),
		).toMatch(/^DingTalk does not know this process code.*钉钉找不到/s);
	});
});

describe('error hint rows at their edges', () => {
	it('a server error from HTTP 500 on; a 499 is a refused request', () => {
		expect([classify('x', 499), classify('x', 500), classify('x', 599)]).toEqual([
			'invalidRequest',
			'server',
			'server',
		]);
		expect(hintFor(classify('x', 500), '/v1.0/robot/x', 'x')).toBe(
			'DingTalk answered with a server error after retries; try again later.',
		);
	});

	it('the to-do hint is for todo.….paramError codes only', () => {
		expect(
			hintFor(
				classify('todo.subject.paramError', 400),
				'/v1.0/todo/users/u1/tasks',
				'todo.subject.paramError',
			),
		).toMatch(/^DingTalk refused the to-do: check that the Task ID is one this app created/);
		for (const code of ['todo.subject.invalid', 'invalidParameter.paramError'])
			expect([code, classify(code, 400), hintFor('invalidRequest', '/v1.0/todo/x', code)]).toEqual([
				code,
				'invalidRequest',
				undefined,
			]);
	});

	it('a permission hint for an endpoint of no known scope sends the user to the permission in the message', () => {
		expect(
			hintFor(
				'permission',
				'/v1.0/unknown/thing',
				'Forbidden.AccessDenied.AccessTokenPermissionDenied',
			),
		).toBe(
			'The app lacks a permission for /v1.0/unknown/thing. Grant the permission named in the message in DingTalk Developer Console → your app → Permissions (权限管理), then publish a new version.',
		);
	});
});
