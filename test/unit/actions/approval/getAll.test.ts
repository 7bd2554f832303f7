import { useApprovalFake } from './approvalRun';

const { fake, run } = useApprovalFake();

const PATH = '/v1.0/workflow/processes/instanceIds/query';
const submitLeaves = (n: number, originatorUserId = 'eng0003') =>
	Array.from(
		{ length: n },
		() =>
			fake.workflow.submit({
				processCode: 'PROC-LEAVE-0001',
				originatorUserId,
				form: { 'Leave Type': 'Annual', Start: '2026-12-21', Days: 2 },
			}).processInstanceId,
	);
const since = new Date(Date.now() - 3_600_000).toISOString();

describe('DingTalk → Approval → Get Many', () => {
	it('Return All pages through nextToken, 20 a page, one item per instance ID', async () => {
		const ids = submitLeaves(45);
		const { output } = await run('getAll', [
			{ processCode: 'PROC-LEAVE-0001', startTime: since, returnAll: true },
		]);
		const bodies = fake.requestsTo(PATH).map((r) => r.body as Record<string, unknown>);
		expect(bodies.map((b) => [b.nextToken, b.maxResults])).toEqual([
			[0, 20],
			[20, 20],
			[40, 20],
		]);
		expect(bodies[0]).toEqual({
			processCode: 'PROC-LEAVE-0001',
			startTime: new Date(since).getTime(),
			nextToken: 0,
			maxResults: 20,
		});
		expect(output.map((o) => o.json)).toEqual(
			ids.map((processInstanceId) => ({ processInstanceId })),
		);
	});

	it('a Limit asks for no more than it needs and stops there', async () => {
		submitLeaves(30);
		const { output } = await run('getAll', [
			{ processCode: 'PROC-LEAVE-0001', startTime: since, returnAll: false, limit: 25 },
		]);
		expect(fake.requestsTo(PATH).map((r) => (r.body as { maxResults: number }).maxResults)).toEqual(
			[20, 5],
		);
		expect(output).toHaveLength(25);
	});

	it('sends the end time, originators and statuses it was given', async () => {
		submitLeaves(2, 'eng0003');
		const [mine] = submitLeaves(1, 'eng0004');
		const until = new Date(Date.now() + 60_000).toISOString();
		const { output } = await run('getAll', [
			{
				processCode: 'PROC-LEAVE-0001',
				startTime: since,
				endTime: until,
				userIds: 'eng0004',
				statuses: ['RUNNING'],
				returnAll: true,
			},
		]);
		expect(fake.requestsTo(PATH)[0].body).toMatchObject({
			endTime: new Date(until).getTime(),
			userIds: ['eng0004'],
			statuses: ['RUNNING'],
		});
		expect(output.map((o) => o.json.processInstanceId)).toEqual([mine]);
	});

	it('stops when DingTalk hands back a token it already gave (no endless paging)', async () => {
		submitLeaves(25);
		const original = fake.workflow.listIds.bind(fake.workflow);
		fake.workflow.listIds = (body) => {
			const reply = original(body);
			const result = (reply.body as { result: { nextToken?: string } }).result;
			result.nextToken = '20';
			return reply;
		};
		try {
			const { output } = await run('getAll', [
				{ processCode: 'PROC-LEAVE-0001', startTime: since, returnAll: true },
			]);
			expect(fake.requestsTo(PATH)).toHaveLength(2);
			expect(output).toHaveLength(25);
		} finally {
			fake.workflow.listIds = original;
		}
	});

	it('refuses a start time that is not a date, before any request', async () => {
		const error = (await run('getAll', [
			{ processCode: 'PROC-LEAVE-0001', startTime: 'last Tuesday' },
		]).catch((e: unknown) => e)) as Error;
		expect(error.message).toBe('"Start Time" is not a date: "last Tuesday"');
		expect(fake.requestsTo(PATH)).toHaveLength(0);
	});
});
