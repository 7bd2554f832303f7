import type { ILoadOptionsFunctions, INodeParameters } from 'n8n-workflow';

import { DingTalk } from '../../../nodes/DingTalk/DingTalk.node';
import {
	getApprovalFormFields,
	getApprovalTemplates,
} from '../../../nodes/DingTalk/methods/approval';
import { fakeExecuteContext } from '../support/fakeExecuteContext';
import { useFakeDingTalk } from '../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();

/** The parts of n8n's load-options context the methods use: parameters, credentials, the request helper. */
const loadOptionsContext = (parameters: INodeParameters) =>
	fakeExecuteContext({
		node: new DingTalk(),
		parameters: { resource: 'approval', operation: 'create', ...parameters },
		credentials: { dingTalkStreamApi: credentials() },
	}).context as unknown as ILoadOptionsFunctions;

describe('Approval pickers', () => {
	it('getApprovalTemplates pages through the visible templates (100 a page), sorted, hidden ones left out', async () => {
		fake.workflow.seedTemplates(
			Array.from({ length: 101 }, (_, i) => ({
				processCode: `PROC-BULK-${String(i).padStart(4, '0')}`,
				name: `Bulk ${String(i).padStart(3, '0')}`,
				fields: [],
				steps: [],
			})),
		);
		const options = await getApprovalTemplates.call(loadOptionsContext({}));
		const requests = fake.requestsTo('/v1.0/workflow/processes/userVisibilities/templates');
		expect(requests.map((r) => r.query)).toEqual([
			{ maxResults: '100', nextToken: '0' },
			{ maxResults: '100', nextToken: '100' },
		]);
		expect(options).toHaveLength(103);
		expect(options.map((o) => o.value)).not.toContain('PROC-HIDDEN-0001');
		expect(options.find((o) => o.value === 'PROC-EXPENSE-0001')).toEqual({
			name: 'Expense claim 报销 (PROC-EXPENSE-0001)',
			value: 'PROC-EXPENSE-0001',
			description: '其他',
		});
		expect(options.map((o) => o.name)).toEqual(
			[...options.map((o) => o.name)].sort((a, b) => a.localeCompare(b)),
		);
		for (let i = 0; i < 101; i++)
			fake.workflow.templates.delete(`PROC-BULK-${String(i).padStart(4, '0')}`);
	});

	it("getApprovalFormFields maps the template's form by label, with each field's type and options", async () => {
		const { fields } = await getApprovalFormFields.call(
			loadOptionsContext({ processCode: 'PROC-EXPENSE-0001' }),
		);
		expect(fields.map((f) => [f.id, f.displayName, f.type, f.required])).toEqual([
			['Reason', 'Reason', 'string', true],
			['Amount', 'Amount', 'number', true],
			['Type', 'Type', 'options', false],
			['Date', 'Date', 'dateTime', false],
			['Notes', 'Notes', 'string', false],
		]);
		expect(fields[2].options).toEqual([
			{ name: 'Travel', value: 'Travel' },
			{ name: 'Meals', value: 'Meals' },
			{ name: 'Equipment', value: 'Equipment' },
		]);
	});

	it('getApprovalFormFields asks nothing of DingTalk until a template is chosen', async () => {
		const answer = await getApprovalFormFields.call(loadOptionsContext({ processCode: '' }));
		expect(answer).toEqual({
			fields: [],
			emptyFieldsNotice: 'Choose a process code (template) first',
		});
		expect(fake.requestsTo(/\/v1\.0\/workflow\//)).toHaveLength(0);
	});
});
