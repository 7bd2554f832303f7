import {
	type INodeParameters,
	NodeApiError,
	NodeOperationError,
	type ResourceMapperValue,
} from 'n8n-workflow';

import { mapped, useApprovalFake } from './approvalRun';

const { fake, run } = useApprovalFake();

const expense = (
	value: ResourceMapperValue['value'],
	extra: INodeParameters = {},
): INodeParameters => ({
	processCode: 'PROC-EXPENSE-0001',
	originatorUserId: 'eng0002',
	formValues: mapped(value),
	...extra,
});

describe('DingTalk → Approval → Create', () => {
	it('maps the form by label into formComponentValues (form order, numbers and dates converted) and outputs the instance ID', async () => {
		const { output } = await run('create', [
			expense({
				Date: '2026-12-24T00:00:00.000+08:00',
				Type: 'Travel',
				Amount: 1200,
				Reason: 'Conference',
				Notes: '',
			}),
		]);
		const [schema] = fake.requestsTo('/v1.0/workflow/forms/schemas/processCodes');
		expect(schema.query.processCode).toBe('PROC-EXPENSE-0001');
		const [create] = fake.requestsTo('/v1.0/workflow/processInstances');
		expect(create.method).toBe('POST');
		expect(create.body).toEqual({
			processCode: 'PROC-EXPENSE-0001',
			originatorUserId: 'eng0002',
			deptId: -1,
			formComponentValues: [
				{ name: 'Reason', value: 'Conference' },
				{ name: 'Amount', value: '1200' },
				{ name: 'Type', value: 'Travel' },
				{ name: 'Date', value: '2026-12-24' },
			],
		});
		const id = (create.response as { instanceId: string }).instanceId;
		expect(output).toEqual([{ json: { processInstanceId: id }, pairedItem: { item: 0 } }]);
		expect(fake.workflow.instances.get(id)?.status).toBe('RUNNING');
	});

	it('refuses a select value not among its options before any request to create', async () => {
		const error = (await run('create', [
			expense({ Reason: 'Spa day', Amount: 80, Type: 'Wellness' }),
		]).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'"Type" takes one of "Travel", "Meals", "Equipment", not "Wellness"',
		);
		expect(error.description).toMatch(/Nothing was sent to DingTalk/);
		expect(fake.requestsTo('/v1.0/workflow/processInstances')).toHaveLength(0);
	});

	it.each([
		[
			'a number that is not a number',
			{ Reason: 'x', Amount: '12abc' },
			/"Amount" takes a number, not "12abc"/,
		],
		[
			'a label the form has not got',
			{ Reason: 'x', Amount: 1, Colour: 'red' },
			/no field "Colour"/,
		],
		['a required field left empty', { Reason: '', Amount: 1 }, /"Reason" is required by the form/],
		[
			'a date that is not a date',
			{ Reason: 'x', Amount: 1, Date: 'next week' },
			/"Date" takes a date/,
		],
	])('refuses %s before the request', async (_name, value, message) => {
		const error = (await run('create', [expense(value)]).catch((e: unknown) => e)) as Error;
		expect(error.message).toMatch(message);
		expect(fake.requestsTo('/v1.0/workflow/processInstances')).toHaveLength(0);
	});

	it('fetches the form schema once for all items of one template', async () => {
		const { output } = await run('create', [
			expense({ Reason: 'a', Amount: 1 }),
			expense({ Reason: 'b', Amount: 2 }),
			expense({ Reason: 'c', Amount: 3 }),
		]);
		expect(output).toHaveLength(3);
		expect(fake.requestsTo('/v1.0/workflow/forms/schemas/processCodes')).toHaveLength(1);
		expect(fake.requestsTo('/v1.0/workflow/processInstances')).toHaveLength(3);
	});

	it('sends JSON form values as given (object by label), with approvers and CC, without reading the schema', async () => {
		await run('create', [
			{
				processCode: 'PROC-EXPENSE-0001',
				originatorUserId: 'eng0002',
				deptId: 2,
				formInput: 'json',
				formValuesJson: '{"Reason": "Hotel", "Amount": 310}',
				approvers: {
					step: [
						{ userIds: 'manager0002, manager0001', actionType: 'AND' },
						{ userIds: ' ', actionType: 'OR' },
					],
				},
				ccList: 'eng0001',
				ccPosition: 'FINISH',
			},
		]);
		expect(fake.requestsTo('/v1.0/workflow/forms/schemas/processCodes')).toHaveLength(0);
		const [create] = fake.requestsTo('/v1.0/workflow/processInstances');
		expect(create.body).toEqual({
			processCode: 'PROC-EXPENSE-0001',
			originatorUserId: 'eng0002',
			deptId: 2,
			formComponentValues: [
				{ name: 'Reason', value: 'Hotel' },
				{ name: 'Amount', value: '310' },
			],
			approvers: [{ actionType: 'AND', userIds: ['manager0002', 'manager0001'] }],
			ccList: ['eng0001'],
			ccPosition: 'FINISH',
		});
		expect(create.status).toBe(200);
	});

	it('refuses JSON that is not JSON, nothing sent', async () => {
		const error = (await run('create', [
			{
				processCode: 'PROC-EXPENSE-0001',
				originatorUserId: 'eng0002',
				formInput: 'json',
				formValuesJson: '{"Reason": ',
			},
		]).catch((e: unknown) => e)) as Error;
		expect(error.message).toBe('"Form Values (JSON)" is not valid JSON');
		expect(fake.requestsTo(/\/v1\.0\/workflow\//)).toHaveLength(0);
	});

	it('an unknown process code gets DingTalk’s error and the bilingual hint', async () => {
		const error = (await run('create', [
			{ ...expense({ Reason: 'x' }), processCode: 'PROC-NOPE' },
		]).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('DingTalk error aflowProcessNotExist: 审批模板不存在');
		expect(error.description).toMatch(/does not know this process code.*钉钉找不到该审批模板编码/s);
	});

	it('a missing workflow permission names the OA approval permission, in English then Chinese', async () => {
		fake.workflow.permissionGranted = false;
		const error = (await run('create', [expense({ Reason: 'x', Amount: 1 })]).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error.message).toMatch(/AccessTokenPermissionDenied/);
		expect(error.description).toMatch(
			/^The app lacks a permission for \/v1\.0\/workflow\/forms\/schemas\/processCodes\. Grant the OA approval \(OA审批\).*权限管理.*应用缺少 OA审批 接口权限/s,
		);
	});

	it('DingTalk’s own refusal of an unknown originator comes back per item under Continue On Fail, without the media hint', async () => {
		const { output } = await run(
			'create',
			[
				expense({ Reason: 'x', Amount: 1 }, { originatorUserId: 'ghost' }),
				expense({ Reason: 'y', Amount: 2 }),
			],
			true,
		);
		expect(output[0].json).toMatchObject({ code: 'userNotExist', httpStatus: 400 });
		expect(output[0].json.hint).toBeUndefined();
		expect(output[1].json.processInstanceId).toEqual(expect.any(String));
	});
});
