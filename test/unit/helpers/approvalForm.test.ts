import { DateTime } from 'luxon';

import {
	fieldValue,
	formByLabel,
	formFields,
	formValuesFromJson,
} from '../../../nodes/DingTalk/helpers/approvalForm';

const select = {
	id: 's',
	label: 'Type',
	componentName: 'DDSelectField',
	required: false,
	options: ['A', 'B'],
};

describe('approval form mapping', () => {
	it('reads select options given as plain strings and as JSON {"value","key"} strings, and skips fields without a label', () => {
		const fields = formFields({
			schemaContent: {
				items: [
					{
						componentName: 'DDSelectField',
						props: { id: '1', label: 'Plain', options: ['x', 'y'] },
					},
					{
						componentName: 'DDSelectField',
						props: {
							id: '2',
							label: 'Json',
							options: ['{"value":"a","key":"option_0"}', '{not json'],
						},
					},
					{ componentName: 'TextField', props: { id: '3' } },
					{ componentName: 'TextNote', props: { id: '4', label: 'Read me' } },
				],
			},
		});
		expect(fields.map((f) => [f.label, f.options])).toEqual([
			['Plain', ['x', 'y']],
			['Json', ['a', '{not json']],
		]);
	});

	it('writes dates in the field’s format from an ISO value, without shifting its time zone', () => {
		const withTime = {
			...select,
			componentName: 'DDDateField',
			options: [],
			format: 'yyyy-MM-dd HH:mm',
		};
		expect(fieldValue(withTime, '2026-12-24T09:30:00.000+08:00')).toEqual({
			value: '2026-12-24 09:30',
		});
		expect(fieldValue(withTime, '2026-12-24')).toEqual({ value: '2026-12-24 00:00' });
		const dateOnly = { ...withTime, format: 'yyyy-MM-dd' };
		// As an expression such as {{ $now }} gives a date: a Luxon DateTime in the workflow's zone.
		const luxon = DateTime.fromISO('2026-12-24T00:30:00', { zone: 'Asia/Shanghai' });
		expect(fieldValue(dateOnly, luxon)).toEqual({ value: '2026-12-24' });
		expect(fieldValue(withTime, luxon)).toEqual({ value: '2026-12-24 00:30' });
		expect(fieldValue(dateOnly, '2026-12-24T01:30:00+08:00')).toEqual({ value: '2026-12-24' });
		expect(fieldValue(dateOnly, '24.12.2026')).toEqual({
			problem: '"Type" takes a date (yyyy-MM-dd), not "24.12.2026"',
		});
	});

	it('checks a select value against its options; a select without options takes any text', () => {
		expect(fieldValue(select, 'B')).toEqual({ value: 'B' });
		expect(fieldValue(select, 'C')).toEqual({ problem: '"Type" takes one of "A", "B", not "C"' });
		expect(fieldValue({ ...select, options: [] }, 'C')).toEqual({ value: 'C' });
	});

	it("takes JSON as an object by label or as DingTalk's list; anything else is refused", () => {
		expect(formValuesFromJson({ Reason: 'Taxi', Items: ['a', 'b'] })).toEqual({
			values: [
				{ name: 'Reason', value: 'Taxi' },
				{ name: 'Items', value: '["a","b"]' },
			],
		});
		expect(formValuesFromJson([{ name: 'Reason', value: 'Taxi', id: 'TextField-1' }])).toEqual({
			values: [{ name: 'Reason', value: 'Taxi', id: 'TextField-1' }],
		});
		expect(formValuesFromJson([{ value: 'no name' }])).toEqual({
			problem: 'Each entry of Form Values (JSON) needs a "name" (the field label)',
		});
		expect(formValuesFromJson('Taxi')).toHaveProperty('problem');
	});

	it('reads an instance’s form by label from hostile shapes without throwing', () => {
		expect(
			formByLabel([
				{ name: 'Reason', value: 'Taxi' },
				null as never,
				{ name: { toString: 1 } as never, value: 'x' },
				{ name: 'Amount', value: 42 as never },
			]),
		).toEqual({ Reason: 'Taxi', Amount: '42' });
		expect(formByLabel(undefined)).toEqual({});
	});
});
