import { NodeApiError } from 'n8n-workflow';

import { locatorOperation, useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const run = locatorOperation('user', 'getAll', 'departmentId', credentials);

describe('DingTalk → User → Get Many', () => {
	it("lists a department's direct members, one item each, paired with the input item", async () => {
		const { output } = await run(['4']);
		const [request] = fake.requestsTo('/topapi/user/listsimple');
		expect(request.body).toEqual({ dept_id: 4, cursor: 0, size: 100, language: 'en_US' });
		expect(output.map((o) => o.json.userid)).toEqual(['eng0002', 'eng0003', 'eng0004']);
		expect(output.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(output[0].json).toEqual({ userid: 'eng0002', name: 'Chen Jie', departmentId: 4 });
	});

	it('with sub-departments and full profiles, lists every user once, up to the limit', async () => {
		const { output } = await run(['2'], { includeSubDepartments: true, detail: 'full', limit: 4 });
		expect(
			fake
				.requestsTo('/topapi/v2/department/listsub')
				.map((r) => (r.body as { dept_id: number }).dept_id),
		).toEqual([2, 4, 5]);
		expect(fake.requestsTo('/topapi/v2/user/list').length).toBeGreaterThan(0);
		expect(output.map((o) => o.json.userid)).toEqual(['eng0001', 'eng0002', 'eng0003', 'eng0004']);
		expect(output[0].json).toMatchObject({ title: 'CTO', email: 'eng0001@acme.example' });
	});

	it("reports an unknown department with DingTalk's code and a hint", async () => {
		const error = (await run(['999']).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('DingTalk error 60003: 部门不存在');
		expect(error.description).toMatch(/department ID does not exist/);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		const { output } = await run(['999', '5'], {}, true);
		expect(output[0]).toMatchObject({
			json: { error: 'DingTalk error 60003: 部门不存在', code: '60003' },
			pairedItem: { item: 0 },
		});
		expect(output.slice(1).map((o) => [o.json.userid, o.pairedItem])).toEqual([
			['eng0005', { item: 1 }],
			['eng0006', { item: 1 }],
		]);
	});
});
