import { NodeApiError } from 'n8n-workflow';

import { useApprovalFake } from './approvalRun';

const { fake, run, submitExpense } = useApprovalFake();

describe('DingTalk → Approval → Get', () => {
	it('asks for the instance by ID and outputs status, the form by label, the tasks and the history', async () => {
		const { processInstanceId, taskIds } = submitExpense();
		const { output } = await run('get', [{ processInstanceId }]);
		const [request] = fake.requestsTo('/v1.0/workflow/processInstances');
		expect([request.method, request.query, request.body]).toEqual([
			'GET',
			{ processInstanceId },
			undefined,
		]);
		const json = output[0].json;
		expect(json).toMatchObject({
			processInstanceId,
			status: 'RUNNING',
			result: '',
			originatorUserId: 'eng0002',
			originatorDeptId: '2',
			createTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/),
			form: { Reason: 'Taxi', Amount: '42', Type: 'Travel' },
		});
		expect(json.tasks).toEqual([
			{
				taskId: taskIds[0],
				userId: 'manager0002',
				status: 'RUNNING',
				result: 'NONE',
				activityId: 'act-1',
				createTime: expect.any(String),
				finishTime: undefined,
			},
		]);
		expect(json.formComponentValues).toHaveLength(3);
		expect(json.operationRecords).toEqual([
			expect.objectContaining({ type: 'START_PROCESS_INSTANCE', userId: 'eng0002' }),
		]);
	});

	it('keeps a hostile label as an own key of the form, and the first of two equal labels', async () => {
		const { processInstanceId } = submitExpense();
		const instance = fake.workflow.instances.get(processInstanceId);
		instance?.formComponentValues.push(
			{ id: 'x', name: '__proto__', value: 'polluted', componentType: 'TextField' },
			{ id: 'y', name: 'Reason', value: 'second', componentType: 'TextField' },
		);
		const { output } = await run('get', [{ processInstanceId }]);
		const form = output[0].json.form as Record<string, string>;
		expect(Object.getOwnPropertyDescriptor(form, '__proto__')?.value).toBe('polluted');
		expect(Object.getPrototypeOf(form)).toBe(Object.prototype);
		expect(form.Reason).toBe('Taxi');
	});

	it('an unknown instance ID gets DingTalk’s code and a hint', async () => {
		const error = (await run('get', [{ processInstanceId: 'nope' }]).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('DingTalk error aflowProcessInstNotExist: 审批实例不存在');
		expect(error.description).toMatch(/No approval has this process instance ID/);
	});
});
