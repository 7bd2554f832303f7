import { useApprovalFake } from './approvalRun';

const { fake, run, submitExpense } = useApprovalFake();

describe('DingTalk → Approval → Comment', () => {
	it('posts the comment as the given user and outputs success', async () => {
		const { processInstanceId } = submitExpense();
		const { output } = await run('comment', [
			{ processInstanceId, commentUserId: 'eng0001', text: '  Receipt attached?  ' },
		]);
		expect(fake.requestsTo('/v1.0/workflow/processInstances/comments').map((r) => r.body)).toEqual([
			{ processInstanceId, commentUserId: 'eng0001', text: 'Receipt attached?' },
		]);
		expect(output[0].json).toEqual({ processInstanceId, commentUserId: 'eng0001', success: true });
		expect(fake.workflow.instances.get(processInstanceId)?.operationRecords.at(-1)).toMatchObject({
			type: 'ADD_REMARK',
			remark: 'Receipt attached?',
		});
	});

	it('refuses an empty comment before the request', async () => {
		const { processInstanceId } = submitExpense();
		const error = (await run('comment', [
			{ processInstanceId, commentUserId: 'eng0001', text: '   ' },
		]).catch((e: unknown) => e)) as Error;
		expect(error.message).toBe('"Text" is empty');
		expect(fake.requestsTo('/v1.0/workflow/processInstances/comments')).toHaveLength(0);
	});
});
