import axios from 'axios';

import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';

/**
 * The fake DingTalk's OA approval endpoints validate as DingTalk does and answer in its error shape, so the node's
 * tests against it mean something: each refusal below is one the node must be able to show.
 */
const fixture = defaultFixture();
const fake = new FakeDingTalk(fixture);
let token = '';

beforeAll(async () => {
	await fake.start();
	const answer = await axios.post(`${fake.baseUrl}/v1.0/oauth2/accessToken`, {
		appKey: fixture.apps[0].clientId,
		appSecret: fixture.apps[0].clientSecret,
	});
	token = (answer.data as { accessToken: string }).accessToken;
});
afterAll(async () => await fake.stop());
beforeEach(() => fake.workflow.reset());

async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
	const response = await axios.request({
		method,
		url: `${fake.baseUrl}${path}`,
		data: method === 'POST' ? body : undefined,
		params: method === 'GET' ? body : undefined,
		headers: { 'x-acs-dingtalk-access-token': token },
		validateStatus: () => true,
	});
	return { status: response.status, body: response.data as Record<string, unknown> };
}

const expense = (form: Array<{ name: string; value: string }>, extra: object = {}) => ({
	processCode: 'PROC-EXPENSE-0001',
	originatorUserId: 'eng0002',
	deptId: -1,
	formComponentValues: form,
	...extra,
});
const validForm = [
	{ name: 'Reason', value: 'Taxi' },
	{ name: 'Amount', value: '42.5' },
	{ name: 'Type', value: 'Travel' },
	{ name: 'Date', value: '2026-12-01' },
];

describe('fake DingTalk: creating an approval instance', () => {
	it.each<[string, object, number, string, RegExp]>([
		[
			'an unknown process code',
			{ ...expense(validForm), processCode: 'PROC-NOPE' },
			400,
			'aflowProcessNotExist',
			/审批模板不存在/,
		],
		['a missing required field', expense(validForm.slice(1)), 400, 'invalidParameter', /Reason/],
		[
			'a select value not among its options',
			expense([...validForm.slice(0, 2), { name: 'Type', value: 'Spa' }]),
			400,
			'invalidParameter',
			/Type 的值不在选项中/,
		],
		[
			'a number that is not a number',
			expense([validForm[0], { name: 'Amount', value: '12abc' }]),
			400,
			'invalidParameter',
			/Amount 的值不是数字/,
		],
		[
			'an unknown originator',
			expense(validForm, { originatorUserId: 'ghost' }),
			400,
			'userNotExist',
			/用户不存在/,
		],
		[
			'a date in the wrong format',
			expense([...validForm.slice(0, 3), { name: 'Date', value: '01/12/2026' }]),
			400,
			'invalidParameter',
			/Date/,
		],
	])('refuses %s in DingTalk’s error shape', async (_name, body, status, code, message) => {
		const answer = await call('POST', '/v1.0/workflow/processInstances', body);
		expect(answer.status).toBe(status);
		expect(answer.body).toEqual({
			code,
			message: expect.stringMatching(message),
			requestid: expect.any(String),
		});
		expect(fake.workflow.instances.size).toBe(0);
		expect(fake.requestsTo('/v1.0/workflow/processInstances').at(-1)?.status).toBe(status);
	});

	it('creates a valid instance; Get shows its form and the running task', async () => {
		const created = await call('POST', '/v1.0/workflow/processInstances', expense(validForm));
		expect(created.status).toBe(200);
		const id = created.body.instanceId as string;
		const got = await call('GET', '/v1.0/workflow/processInstances', { processInstanceId: id });
		const result = got.body.result as Record<string, unknown>;
		expect(result).toMatchObject({ status: 'RUNNING', result: '', originatorUserId: 'eng0002' });
		expect(result.formComponentValues).toEqual(validForm.map((v) => expect.objectContaining(v)));
		expect(result.tasks).toEqual([
			expect.objectContaining({ userId: 'manager0002', status: 'RUNNING', result: 'NONE' }),
		]);
	});
});

describe('fake DingTalk: deciding, commenting, terminating', () => {
	const start = () =>
		fake.workflow.submit({
			processCode: 'PROC-EXPENSE-0001',
			originatorUserId: 'eng0002',
			form: { Reason: 'Taxi', Amount: 42 },
		});
	const execute = (body: object) => call('POST', '/v1.0/workflow/processInstances/execute', body);

	it('refuses a task that does not exist, an actioner who is not its approver, and a task already done', async () => {
		const { processInstanceId, taskIds } = start();
		const base = { processInstanceId, result: 'agree', remark: 'ok' };
		expect((await execute({ ...base, taskId: 1, actionerUserId: 'manager0002' })).body.code).toBe(
			'aflowTaskNotExist',
		);
		const wrong = await execute({ ...base, taskId: taskIds[0], actionerUserId: 'eng0001' });
		expect([wrong.status, wrong.body.code]).toEqual([400, 'aflowTaskActionerNotMatch']);
		const done = await execute({ ...base, taskId: taskIds[0], actionerUserId: 'manager0002' });
		expect(done).toEqual({ status: 200, body: { success: true, result: true } });
		expect(fake.workflow.instances.get(processInstanceId)).toMatchObject({
			status: 'COMPLETED',
			result: 'agree',
		});
		const again = await execute({ ...base, taskId: taskIds[0], actionerUserId: 'manager0002' });
		expect([again.status, again.body.code]).toEqual([400, 'aflowProcessInstCanNotBeExecuted']);
	});

	it('a refusal ends the instance; a comment and a terminate are recorded', async () => {
		const first = start();
		await execute({
			processInstanceId: first.processInstanceId,
			taskId: first.taskIds[0],
			actionerUserId: 'manager0002',
			result: 'refuse',
		});
		expect(fake.workflow.instances.get(first.processInstanceId)?.result).toBe('refuse');
		const second = start();
		const comment = await call('POST', '/v1.0/workflow/processInstances/comments', {
			processInstanceId: second.processInstanceId,
			commentUserId: 'eng0001',
			text: 'Receipt?',
		});
		expect(comment.status).toBe(200);
		const empty = await call('POST', '/v1.0/workflow/processInstances/comments', {
			processInstanceId: second.processInstanceId,
			commentUserId: 'eng0001',
			text: '',
		});
		expect(empty.body.code).toBe('invalidInstanceCommentText');
		const terminated = await call('POST', '/v1.0/workflow/processInstances/terminate', {
			processInstanceId: second.processInstanceId,
			operatingUserId: 'eng0002',
			isSystem: false,
		});
		expect(terminated.status).toBe(200);
		const instance = fake.workflow.instances.get(second.processInstanceId);
		expect(instance?.status).toBe('TERMINATED');
		expect(instance?.operationRecords.map((r) => r.type)).toEqual([
			'START_PROCESS_INSTANCE',
			'ADD_REMARK',
			'TERMINATE_PROCESS_INSTANCE',
		]);
	});

	it('submit() pushes the bpms_instance_change start event for the instance', () => {
		const { eventId } = start();
		expect(fake.gateway.unackedEvents()).toContain(eventId);
	});
});

describe('fake DingTalk: listing', () => {
	it('pages instance IDs by nextToken, at most 20 a page, and refuses a bigger page', async () => {
		const ids = Array.from({ length: 23 }, () =>
			fake.workflow.submit({
				processCode: 'PROC-LEAVE-0001',
				originatorUserId: 'eng0003',
				form: { 'Leave Type': 'Sick', Start: '2026-12-02', Days: 1 },
			}),
		).map((s) => s.processInstanceId);
		const query = { processCode: 'PROC-LEAVE-0001', startTime: 0, maxResults: 20 };
		const first = await call('POST', '/v1.0/workflow/processes/instanceIds/query', query);
		const page1 = first.body.result as { list: string[]; nextToken: string };
		expect(page1.list).toEqual(ids.slice(0, 20));
		const second = await call('POST', '/v1.0/workflow/processes/instanceIds/query', {
			...query,
			nextToken: Number(page1.nextToken),
		});
		expect(second.body.result).toEqual({ list: ids.slice(20) });
		const tooBig = await call('POST', '/v1.0/workflow/processes/instanceIds/query', {
			...query,
			maxResults: 21,
		});
		expect([tooBig.status, tooBig.body.code]).toEqual([400, 'invalidParameter']);
	});

	it('lists only visible templates, and the schema with its options', async () => {
		const list = await call('GET', '/v1.0/workflow/processes/userVisibilities/templates', {
			maxResults: 100,
			nextToken: 0,
		});
		const codes = (
			list.body.result as { processList: Array<{ processCode: string }> }
		).processList.map((p) => p.processCode);
		expect(codes).toEqual(['PROC-EXPENSE-0001', 'PROC-LEAVE-0001']);
		const schema = await call('GET', '/v1.0/workflow/forms/schemas/processCodes', {
			processCode: 'PROC-EXPENSE-0001',
		});
		const items = (
			schema.body.result as {
				schemaContent: { items: Array<{ props: { label: string; options?: string[] } }> };
			}
		).schemaContent.items;
		expect(
			items.find((i) => i.props.label === 'Type')?.props.options?.map((o) => JSON.parse(o).value),
		).toEqual(['Travel', 'Meals', 'Equipment']);
	});

	it('with the permission switched off, refuses every workflow call as a missing permission', async () => {
		fake.workflow.permissionGranted = false;
		const answer = await call('GET', '/v1.0/workflow/forms/schemas/processCodes', {
			processCode: 'PROC-EXPENSE-0001',
		});
		expect([answer.status, answer.body.code]).toEqual([
			403,
			'Forbidden.AccessDenied.AccessTokenPermissionDenied',
		]);
	});
});
