import { WAIT_INDEFINITELY } from 'n8n-workflow';

import {
	answerBytes,
	ANSWER_PATTERNS,
	FormDefinitionError,
	type FormField,
	MAX_FIELDS,
	parseFormJson,
	readAnswer,
	readApproved,
	readFormDefinition,
	readUserId,
} from '../../../../nodes/DingTalk/actions/message/responseForm';
import {
	PAGE_HEADERS,
	renderFormPage,
	renderRefusal,
} from '../../../../nodes/DingTalk/actions/message/responsePage';
import { waitTillFrom } from '../../../../nodes/DingTalk/actions/message/waitLimit';
import { itStaysLinear, MB, STAYS_LINEAR } from '../../support/linearTime';
import { formField as field } from '../../../support/formField';

const one = (f: FormField, value: unknown) => readAnswer([f], { 'field-0': value });

describe('Send and Wait: the form definition', () => {
	it("reads n8n's field definition, Text by default, dropdown options kept", () => {
		expect(
			readFormDefinition([
				{ fieldLabel: ' Name ', requiredField: true },
				{
					fieldLabel: 'Team',
					fieldType: 'dropdown',
					placeholder: 'x',
					fieldOptions: { values: [{ option: 'A' }] },
				},
			]),
		).toEqual([
			{ label: 'Name', type: 'text', required: true, placeholder: '', options: [] },
			{ label: 'Team', type: 'dropdown', required: false, placeholder: 'x', options: ['A'] },
		]);
	});

	it.each([
		['not a list', { fieldLabel: 'A' }],
		['no field', []],
		['a field without label', [{ fieldType: 'text' }]],
		['a label twice', [{ fieldLabel: 'A' }, { fieldLabel: 'A' }]],
		['an unsupported type', [{ fieldLabel: 'A', fieldType: 'file' }]],
		['a dropdown without options', [{ fieldLabel: 'A', fieldType: 'dropdown' }]],
		['too many fields', Array.from({ length: MAX_FIELDS + 1 }, (_, i) => ({ fieldLabel: `${i}` }))],
	])('refuses %s', (_label, definition) => {
		expect(() => readFormDefinition(definition)).toThrow(FormDefinitionError);
	});

	it('refuses JSON that does not parse with a FormDefinitionError', () => {
		expect(() => parseFormJson('[{')).toThrow(FormDefinitionError);
	});
});

describe('Send and Wait: reading an answer', () => {
	it.each([
		['number', '12.5', 12.5],
		['number', '-3', -3],
		['number', '1e3', undefined],
		['number', '0x10', undefined],
		['number', 'NaN', undefined],
		['email', 'a@b.cn', 'a@b.cn'],
		['email', 'a@b', undefined],
		['email', 'a b@c.cn', undefined],
		['date', '2024-02-29', '2024-02-29'],
		['date', '2026-02-30', undefined],
		['date', '2026-1-1', undefined],
		['text', '  padded  ', 'padded'],
		['textarea', ' line\n', ' line\n'],
	] as const)('%s %j → %j', (type, value, expected) => {
		const answer = one(field(type), value);
		expect(answer.ok ? answer.values[type] : undefined).toEqual(expected);
	});

	it('empty optional fields are "" (numbers null); empty required ones are refused', () => {
		expect(readAnswer([field('text'), field('number')], {})).toEqual({
			ok: true,
			values: { text: '', number: null },
		});
		expect(one(field('text', { required: true }), '   ')).toEqual({
			ok: false,
			refusal: 'invalid',
		});
	});

	it('refuses a form whose labels would lose or overwrite the answer (__proto__, respondedAt) when it is defined', () => {
		for (const label of ['__proto__', 'respondedAt', ' respondedAt '])
			expect(() => readFormDefinition([{ fieldLabel: 'Reason' }, { fieldLabel: label }])).toThrow(
				new FormDefinitionError(
					`Field 2: the label "${label.trim()}" is reserved (__proto__, respondedAt); choose another`,
				),
			);
		expect(() =>
			parseFormJson(
				JSON.stringify([{ fieldLabel: '__proto__' }]).replace('"__proto__"', '"__proto__"'),
			),
		).toThrow(FormDefinitionError);
		expect(readFormDefinition([{ fieldLabel: 'constructor' }])[0].label).toBe('constructor');
	});

	it('counts an answer by what was read, not by what was declared', () => {
		expect(answerBytes({ 'field-0': 'abc', 'field-1': ['é', 'x'] })).toBe(7 + 3 + 7 + 3);
		expect(answerBytes({ 'field-0': 'x'.repeat(70 * 1024) })).toBeGreaterThan(64 * 1024);
		// Stops counting once past the limit: a body of many keys costs no more than the limit.
		const many = Object.fromEntries(
			Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'.repeat(100)]),
		);
		expect(answerBytes(many, 1000)).toBeLessThan(1200);
		expect(answerBytes('text')).toBe(0);
	});

	it('ignores inherited keys: a __proto__ field is not a value', () => {
		const body = JSON.parse('{"__proto__": {"field-0": "x"}}') as unknown;
		expect(readAnswer([field('text', { required: true })], body)).toEqual({
			ok: false,
			refusal: 'invalid',
		});
	});

	it('reads approved and the signed user strictly', () => {
		expect([readApproved('true'), readApproved('false'), readApproved('True')]).toEqual([
			true,
			false,
			undefined,
		]);
		expect([readUserId('u1'), readUserId(['u1']), readUserId('x'.repeat(65))]).toEqual([
			'u1',
			undefined,
			undefined,
		]);
	});
});

describe(STAYS_LINEAR, () => {
	itStaysLinear([
		['email: a megabyte of "a."', () => ANSWER_PATTERNS.email.test(`a@${'a.'.repeat(MB / 2)}`)],
		['email: a megabyte of "@"-free text', () => ANSWER_PATTERNS.email.test('a'.repeat(MB))],
		['number: a megabyte of digits', () => ANSWER_PATTERNS.number.test('1'.repeat(MB))],
		['date: a megabyte of digits', () => ANSWER_PATTERNS.date.test('1'.repeat(MB))],
		[
			'page: a description "<br" and a megabyte of spaces',
			() =>
				renderFormPage({
					title: '',
					description: `<br${' '.repeat(MB)}`,
					buttonLabel: '',
					fields: [],
				}),
		],
	]);
});

describe('Send and Wait: the pages', () => {
	it('escapes every value the workflow gives the form', () => {
		const hostile = `"><script>alert(1)</script>'&`;
		const html = renderFormPage({
			title: hostile,
			description: hostile,
			buttonLabel: hostile,
			fields: [field('dropdown', { label: hostile, placeholder: hostile, options: [hostile] })],
		});
		expect(html).not.toContain('<script>');
		expect(html).not.toContain(`"><script`);
		expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;&amp;');
	});

	it('allows no script, no external asset, posts only to itself, and sends no referrer', () => {
		expect(PAGE_HEADERS['Content-Security-Policy']).toBe(
			"default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
		);
		expect(PAGE_HEADERS['Referrer-Policy']).toBe('no-referrer');
	});

	it('answers each kind of refusal with its own status and a fixed page', () => {
		expect(
			(['invalid', 'tooLarge', 'unsupported', 'unavailable'] as const).map(
				(r) => renderRefusal(r).status,
			),
		).toEqual([400, 413, 415, 500]);
	});
});

describe('Send and Wait: Limit Wait Time', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');
	it('waits indefinitely without a limit, else until now + interval or the date', () => {
		expect(waitTillFrom({}, now)).toBe(WAIT_INDEFINITELY);
		expect(waitTillFrom({ resumeAmount: 2, resumeUnit: 'days' }, now)).toEqual(
			new Date('2026-01-03T00:00:00Z'),
		);
		expect(waitTillFrom({ resumeAmount: 0.01, resumeUnit: 'minutes' }, now)).toEqual(
			new Date(now + 600),
		);
	});

	it.each([
		[{ resumeAmount: -1, resumeUnit: 'hours' }],
		[{ resumeAmount: 1, resumeUnit: 'weeks' }],
		[{ resumeAmount: 1e300, resumeUnit: 'days' }],
		[{ limitType: 'atSpecifiedTime', maxDateAndTime: 'tomorrow-ish' }],
	])('explains a limit that is no date: %j', (limit) => {
		expect(typeof waitTillFrom(limit, now)).toBe('string');
	});
});

/** The FormDefinitionError `define` throws: its exact text is what the workflow's author reads. */
const definitionError = (define: () => unknown): string => {
	try {
		define();
	} catch (error) {
		expect(error).toBeInstanceOf(FormDefinitionError);
		return (error as Error).message;
	}
	throw new Error('no FormDefinitionError');
};
const dropdownWith = (count: number) => [
	{
		fieldLabel: 'Pick',
		fieldType: 'dropdown',
		fieldOptions: { values: Array.from({ length: count }, (_, i) => ({ option: `o${i}` })) },
	},
];
const fieldsNamed = (count: number) =>
	Array.from({ length: count }, (_, i) => ({ fieldLabel: `f${i}` }));

describe('Send and Wait: a refused form definition says what to fix', () => {
	it.each([
		['not a list', { fieldLabel: 'A' }, 'The form fields must be a list'],
		['no field', [], 'The form has no fields'],
		['31 fields', fieldsNamed(MAX_FIELDS + 1), 'The form has 31 fields; at most 30'],
		[
			'a blank label',
			[{ fieldLabel: 'A' }, { fieldLabel: '  ' }],
			'Field 2 has no label (fieldLabel)',
		],
		[
			'a label of 201 characters',
			[{ fieldLabel: 'x'.repeat(201) }],
			'Field 1: the label is longer than 200',
		],
		[
			'a label twice',
			[{ fieldLabel: 'A' }, { fieldLabel: ' A ' }],
			'Field 2: the label "A" is used twice',
		],
		[
			'an unsupported type',
			[{ fieldLabel: 'A', fieldType: 'file' }],
			'Field 1: the field type "file" is not supported (text, textarea, number, email, date, dropdown)',
		],
		[
			'a dropdown without options',
			[{ fieldLabel: 'A', fieldType: 'dropdown' }],
			'Field 1: a dropdown needs options',
		],
		['a dropdown of 101 options', dropdownWith(101), 'Field 1: more than 100 options'],
	])('%s', (_case, definition, message) => {
		expect(definitionError(() => readFormDefinition(definition))).toBe(message);
	});

	it('says the Form JSON does not parse, rather than that it is no list', () => {
		expect(definitionError(() => parseFormJson('[{'))).toBe('The form JSON is not valid JSON');
	});

	it('accepts each bound itself: 30 fields, a label of 200 characters, 100 options', () => {
		expect(readFormDefinition(fieldsNamed(MAX_FIELDS))).toHaveLength(30);
		expect(readFormDefinition([{ fieldLabel: 'x'.repeat(200) }])[0].label).toHaveLength(200);
		expect(readFormDefinition(dropdownWith(100))[0].options).toHaveLength(100);
	});

	it('makes an option that is not {option: text} an empty choice, never other text', () => {
		expect(
			readFormDefinition([
				{
					fieldLabel: 'Pick',
					fieldType: 'dropdown',
					fieldOptions: { values: [{ option: 'A' }, 'B', { option: 2 }] },
				},
			])[0].options,
		).toEqual(['A', '', '']);
	});
});

describe('Send and Wait: the bounds of an answer, at and one past each', () => {
	const extraKeys = (count: number) =>
		Object.fromEntries(Array.from({ length: count }, (_, i) => [`extra-${i}`, '']));

	it('reads an answer of 35 keys; refuses 36 as too large', () => {
		expect(readAnswer([field('text')], { 'field-0': 'x', ...extraKeys(34) })).toEqual({
			ok: true,
			values: { text: 'x' },
		});
		expect(readAnswer([field('text')], { 'field-0': 'x', ...extraKeys(35) })).toEqual({
			ok: false,
			refusal: 'tooLarge',
		});
	});

	it('reads a value of 10 000 characters; refuses 10 001 as too large', () => {
		const long = 'x'.repeat(10_000);
		expect(one(field('textarea'), long)).toEqual({ ok: true, values: { textarea: long } });
		expect(one(field('textarea'), `${long}x`)).toEqual({ ok: false, refusal: 'tooLarge' });
	});

	it('reads an email address of 254 characters; refuses 255', () => {
		const address = `${'a'.repeat(249)}@b.cn`;
		expect(address).toHaveLength(254);
		expect(one(field('email'), address)).toEqual({ ok: true, values: { email: address } });
		expect(one(field('email'), `a${address}`)).toEqual({ ok: false, refusal: 'invalid' });
	});

	it('counts an answer up to the limit and past it: what follows a key that reaches the limit counts too', () => {
		expect(answerBytes({ a: 'x'.repeat(9) }, 10)).toBe(10);
		expect(answerBytes({ a: 'x'.repeat(9), b: 'y' }, 10)).toBe(12);
	});

	it('counts values that are no text (as parsed from JSON) by their text, without failing', () => {
		expect(answerBytes({ 'field-0': 5, 'field-1': [null, true] })).toBe(7 + 1 + 7 + 4 + 4);
	});

	it('reads the signed user of 64 characters; refuses an empty one and one of 65', () => {
		expect([readUserId('x'.repeat(64)), readUserId(''), readUserId('x'.repeat(65))]).toEqual([
			'x'.repeat(64),
			undefined,
			undefined,
		]);
	});
});

describe('Send and Wait: blank answers in a text area', () => {
	it('an optional text area left out or only blank is ""; a required one only blank is refused', () => {
		expect(readAnswer([field('textarea')], {})).toEqual({ ok: true, values: { textarea: '' } });
		expect(one(field('textarea'), ' \n\t ')).toEqual({ ok: true, values: { textarea: '' } });
		expect(one(field('textarea', { required: true }), ' \n\t ')).toEqual({
			ok: false,
			refusal: 'invalid',
		});
	});
});

describe('Send and Wait: a date answer is a day of the calendar', () => {
	it.each([
		['2026-12-31', '2026-12-31'],
		['2026-01-01', '2026-01-01'],
		// Month 13 would be January of the next year, month 00 December of the year before.
		['2026-13-01', undefined],
		['2026-00-15', undefined],
		// Day 31 of a 30-day month, day 00.
		['2026-04-31', undefined],
		['2026-05-00', undefined],
		// A year before 100 is refused: Date.UTC reads years 0 to 99 as 1900 to 1999.
		['0050-01-01', undefined],
	] as const)('%s → %j', (value, expected) => {
		const answer = one(field('date'), value);
		expect(answer.ok ? answer.values.date : undefined).toEqual(expected);
	});
});
