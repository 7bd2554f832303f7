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

const field = (type: FormField['type'], extra: Partial<FormField> = {}): FormField => ({
	label: type,
	type,
	required: false,
	placeholder: '',
	options: [],
	...extra,
});
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
