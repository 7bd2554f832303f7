import { useApprovalFake } from './approvalRun';

const { fake, run, submitExpense } = useApprovalFake();
const PATH = '/v1.0/workflow/processInstances/terminate';

describe('DingTalk → Approval → Terminate', () => {
	it('revokes the approval as the operating user (isSystem false) with the remark', async () => {
		const { processInstanceId } = submitExpense();
		const { output } = await run('terminate', [
			{ processInstanceId, operatingUserId: 'eng0002', remark: 'Submitted twice' },
		]);
		expect(fake.requestsTo(PATH).map((r) => r.body)).toEqual([
			{ processInstanceId, isSystem: false, operatingUserId: 'eng0002', remark: 'Submitted twice' },
		]);
		expect(output[0].json).toEqual({
			processInstanceId,
			operatingUserId: 'eng0002',
			success: true,
		});
		expect(fake.workflow.instances.get(processInstanceId)?.status).toBe('TERMINATED');
	});

	it('a second terminate gets DingTalk’s "cannot be executed" refusal and its hint', async () => {
		const { processInstanceId } = submitExpense();
		await run('terminate', [{ processInstanceId, operatingUserId: 'eng0002' }]);
		const { output } = await run(
			'terminate',
			[{ processInstanceId, operatingUserId: 'eng0002' }],
			true,
		);
		expect(output[0].json).toMatchObject({
			code: 'aflowProcessInstCanNotBeExecuted',
			hint: expect.stringMatching(/no longer running/),
		});
		expect(fake.requestsTo(PATH).map((r) => (r.body as { remark?: string }).remark)).toEqual([
			undefined,
			undefined,
		]);
	});
});
