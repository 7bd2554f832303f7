import { NodeApiError } from 'n8n-workflow';

import { useApprovalFake } from './approvalRun';

const { fake, run, submitExpense } = useApprovalFake();
const PATH = '/v1.0/workflow/processInstances/execute';

describe('DingTalk → Approval → Approve Task', () => {
	it('executes the task as its approver with result agree, and outputs the decision', async () => {
		const { processInstanceId, taskIds } = submitExpense();
		const { output } = await run('approveTask', [
			{
				processInstanceId,
				taskId: String(taskIds[0]),
				actionerUserId: 'manager0002',
				remark: 'Fine',
			},
		]);
		expect(fake.requestsTo(PATH).map((r) => r.body)).toEqual([
			{
				processInstanceId,
				taskId: taskIds[0],
				actionerUserId: 'manager0002',
				result: 'agree',
				remark: 'Fine',
			},
		]);
		expect(output[0].json).toEqual({
			processInstanceId,
			taskId: taskIds[0],
			result: 'agree',
			success: true,
		});
		expect(fake.workflow.instances.get(processInstanceId)).toMatchObject({
			status: 'COMPLETED',
			result: 'agree',
		});
	});

	it('a second approval of the same task gets DingTalk’s refusal with the "already done" hint, English then Chinese', async () => {
		const { processInstanceId, taskIds } = submitExpense();
		const params = {
			processInstanceId,
			taskId: String(taskIds[0]),
			actionerUserId: 'manager0002',
		};
		await run('approveTask', [params]);
		const error = (await run('approveTask', [params]).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'DingTalk error aflowProcessInstCanNotBeExecuted: 审批状态异常,无法执行',
		);
		expect(error.description).toMatch(/^The task is already done.*该审批任务已处理/s);
		expect(fake.requestsTo(PATH)).toHaveLength(2);
	});

	it('someone who is not the task’s approver is refused by DingTalk, with a hint naming the task’s userId', async () => {
		const { processInstanceId, taskIds } = submitExpense();
		const error = (await run('approveTask', [
			{ processInstanceId, taskId: String(taskIds[0]), actionerUserId: 'eng0001' },
		]).catch((e: unknown) => e)) as NodeApiError;
		expect(error.message).toMatch(/aflowTaskActionerNotMatch/);
		expect(error.description).toMatch(/Only the task's own approver/);
		expect(fake.workflow.instances.get(processInstanceId)?.status).toBe('RUNNING');
	});

	it('refuses a task ID that is not a number before the request', async () => {
		const { processInstanceId } = submitExpense();
		const error = (await run('approveTask', [
			{ processInstanceId, taskId: '12; drop', actionerUserId: 'manager0002' },
		]).catch((e: unknown) => e)) as Error;
		expect(error.message).toBe('"Task ID" must be a number, not "12; drop"');
		expect(fake.requestsTo(PATH)).toHaveLength(0);
	});
});
