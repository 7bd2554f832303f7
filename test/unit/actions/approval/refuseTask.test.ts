import { useApprovalFake } from './approvalRun';

const { fake, run, submitExpense } = useApprovalFake();
const PATH = '/v1.0/workflow/processInstances/execute';

describe('DingTalk → Approval → Refuse Task', () => {
	it('executes the task with result refuse (no remark when none is given), which ends the approval as refused', async () => {
		const { processInstanceId, taskIds } = submitExpense();
		const { output } = await run('refuseTask', [
			{ processInstanceId, taskId: taskIds[0], actionerUserId: 'manager0002' },
		]);
		expect(fake.requestsTo(PATH).map((r) => r.body)).toEqual([
			{ processInstanceId, taskId: taskIds[0], actionerUserId: 'manager0002', result: 'refuse' },
		]);
		expect(output[0].json).toEqual({
			processInstanceId,
			taskId: taskIds[0],
			result: 'refuse',
			success: true,
		});
		expect(fake.workflow.instances.get(processInstanceId)).toMatchObject({
			status: 'COMPLETED',
			result: 'refuse',
		});
	});

	it('under Continue On Fail, an unknown task is an error item with DingTalk’s code, and the next item still runs', async () => {
		const { processInstanceId, taskIds } = submitExpense();
		const { output } = await run(
			'refuseTask',
			[
				{ processInstanceId, taskId: '1', actionerUserId: 'manager0002' },
				{ processInstanceId, taskId: String(taskIds[0]), actionerUserId: 'manager0002' },
			],
			true,
		);
		expect(output[0].json).toMatchObject({
			code: 'aflowTaskNotExist',
			hint: expect.stringMatching(/RUNNING task/),
		});
		expect(output[1].json).toMatchObject({ result: 'refuse', success: true });
	});
});
