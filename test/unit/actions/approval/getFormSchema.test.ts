import { useApprovalFake } from './approvalRun';

const { fake, run } = useApprovalFake();

describe('DingTalk → Approval → Get Form Schema', () => {
	it("outputs the template's name and fields by label, with types, required flags and select options", async () => {
		const { output } = await run('getFormSchema', [{ processCode: 'PROC-EXPENSE-0001' }]);
		const [request] = fake.requestsTo('/v1.0/workflow/forms/schemas/processCodes');
		expect([request.method, request.query]).toEqual(['GET', { processCode: 'PROC-EXPENSE-0001' }]);
		expect(output[0].json).toEqual({
			processCode: 'PROC-EXPENSE-0001',
			name: 'Expense claim 报销',
			fields: [
				{
					id: 'TextField-REASON',
					label: 'Reason',
					componentName: 'TextField',
					required: true,
					options: [],
				},
				{
					id: 'NumberField-AMOUNT',
					label: 'Amount',
					componentName: 'NumberField',
					required: true,
					options: [],
				},
				{
					id: 'DDSelectField-TYPE',
					label: 'Type',
					componentName: 'DDSelectField',
					required: false,
					options: ['Travel', 'Meals', 'Equipment'],
				},
				{
					id: 'DDDateField-DATE',
					label: 'Date',
					componentName: 'DDDateField',
					required: false,
					options: [],
				},
				{
					id: 'TextareaField-NOTES',
					label: 'Notes',
					componentName: 'TextareaField',
					required: false,
					options: [],
				},
			],
		});
	});

	it('an unknown process code: DingTalk’s code with the hint, per item under Continue On Fail', async () => {
		const { output } = await run('getFormSchema', [{ processCode: 'PROC-NOPE' }], true);
		expect(output[0].json).toMatchObject({
			code: 'aflowProcessNotExist',
			hint: expect.stringMatching(/^DingTalk does not know this process code/),
		});
	});
});
