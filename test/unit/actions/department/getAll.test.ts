import { NodeApiError } from 'n8n-workflow';

import { locatorOperation, useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const run = locatorOperation('department', 'getAll', 'parentDepartmentId', credentials);

describe('DingTalk → Department → Get Many', () => {
	it('lists the direct children of the parent, one item each', async () => {
		const { output } = await run(['1']);
		expect(fake.requestsTo('/topapi/v2/department/listsub').map((r) => r.body)).toEqual([
			{ dept_id: 1, language: 'en_US' },
		]);
		expect(output.map((o) => [o.json.dept_id, o.json.name, o.pairedItem])).toEqual([
			[2, 'Engineering', { item: 0 }],
			[3, 'Sales', { item: 0 }],
		]);
	});

	it('lists all levels when asked, up to the limit', async () => {
		const { output } = await run(['1'], { recursive: true, limit: 3 });
		expect(output.map((o) => o.json.dept_id)).toEqual([2, 3, 4]);
		const all = await run(['1'], { recursive: true, returnAll: true });
		expect(all.output.map((o) => o.json.dept_id)).toEqual([2, 3, 4, 5]);
	});

	it("reports an unknown department with DingTalk's code and a hint", async () => {
		const error = (await run(['999']).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('DingTalk error 60003: 部门不存在');
		expect(error.description).toMatch(/department ID does not exist/);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		const { output } = await run(['2', '999'], {}, true);
		expect(output.map((o) => [o.json.dept_id ?? o.json.code, o.pairedItem])).toEqual([
			[4, { item: 0 }],
			[5, { item: 0 }],
			['60003', { item: 1 }],
		]);
		expect(output[2].json.error).toBe('DingTalk error 60003: 部门不存在');
	});
});
