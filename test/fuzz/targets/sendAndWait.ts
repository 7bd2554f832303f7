/**
 * Send and Wait's answer side: any form definition either builds or is refused with FormDefinitionError; any
 * answer body is read or refused (never a throw); an accepted answer holds only values of the field's type; the
 * rendered page holds no tag but ours, whatever the labels, options, placeholders and description contain.
 */
import {
	fieldName,
	FormDefinitionError,
	type FormField,
	readAnswer,
	readFormDefinition,
} from '../../../nodes/DingTalk/actions/message/responseForm';
import { renderFormPage } from '../../../nodes/DingTalk/actions/message/responsePage';
import { check, type FuzzTarget, mustNotThrow, type Outcome } from '../harness';
import { ALNUM, hostileValue, type Rng } from '../prng';

const MARKUP = [
	'<',
	'>',
	'"',
	"'",
	'&',
	'<script>',
	'"><img src=x onerror=1>',
	'</textarea>',
	'\\n',
];
const TYPES = ['text', 'textarea', 'number', 'email', 'date', 'dropdown'];
const BAD_TYPES = ['file', 'html', 7, null];
/** The tags our page writes; any other tag in the output came from the input. */
const OUR_TAGS = new Set(
	'!DOCTYPE html head meta title style body main h1 p br form label input textarea select option button'
		.split(' ')
		.flatMap((tag) => [tag, `/${tag}`]),
);

function hostileText(rng: Rng): string {
	const parts = Array.from({ length: 1 + rng.int(4) }, () =>
		rng.chance(0.5) ? rng.pick(MARKUP) : rng.text(12),
	);
	return parts.join('');
}

function definition(rng: Rng): unknown {
	if (rng.chance(0.05)) return hostileValue(rng);
	return Array.from({ length: rng.int(6) }, () =>
		// Mostly well-formed, so that most inputs reach the page and the answer; one bad part refuses the whole form.
		rng.chance(0.03)
			? hostileValue(rng)
			: {
					fieldLabel: rng.chance(0.97) ? hostileText(rng) : hostileValue(rng),
					fieldType: rng.chance(0.97) ? rng.pick(TYPES) : rng.pick(BAD_TYPES),
					requiredField: rng.chance(0.5),
					placeholder: hostileText(rng),
					fieldOptions: {
						values: Array.from({ length: rng.int(5) + (rng.chance(0.9) ? 1 : 0) }, () => ({
							option: hostileText(rng),
						})),
					},
				},
	);
}

const EMAIL_LOCAL = `${ALNUM}._%+-`;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) =>
	month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** An address of a valid shape: a local part, one @, two to four dot-separated labels. */
function validEmail(rng: Rng): string {
	const labels = Array.from({ length: 2 + rng.int(3) }, () => rng.string(ALNUM, 1, 10));
	return `${rng.string(EMAIL_LOCAL, 1, 16)}@${labels.join('.')}`;
}

/** A real calendar date (YYYY-MM-DD), leap days and month ends included. */
function validDate(rng: Rng): string {
	const year = 1900 + rng.int(201);
	const month = 1 + rng.int(12);
	const day = rng.chance(0.3) ? daysIn(year, month) : 1 + rng.int(daysIn(year, month));
	return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Near misses: what a person or a forged request might send to an email or date field. */
function invalidEmailOrDate(rng: Rng): string {
	const year = 1900 + rng.int(201);
	const month = 1 + rng.int(12);
	return rng.pick([
		() => `${pad(year, 4)}-${pad(month, 2)}-${pad(daysIn(year, month) + 1, 2)}`, // the day after the month's last
		() => `${pad(year - (year % 4) + 1, 4)}-02-29`, // 29 February of a year that is not a leap year
		() => `${pad(year, 4)}-${pad(rng.pick([0, 13, 99]), 2)}-10`,
		() => `${pad(year, 4)}-${pad(month, 2)}-00`,
		() => `${year}/${pad(month, 2)}/01`,
		() => `${pad(year, 4)}-${month}-1`,
		() => 'a@b',
		() => 'a@@b.cn',
		() => 'a b@c.cn',
		() => '@b.cn',
		() => 'a@.b.cn',
		() => 'a@b..cn',
		() => 'a@b.cn.',
		() => `${'x'.repeat(250)}@b.cn`,
		() => 'li\u3000lei@example.cn', // an ideographic space, as Chinese input methods type it
	])();
}

/** A value the field should accept (a hostile text for text fields). */
function fitting(rng: Rng, field: FormField): string {
	switch (field.type) {
		case 'number':
			return String(rng.int(2000) - 1000) + (rng.chance(0.5) ? '.25' : '');
		case 'email':
			return validEmail(rng);
		case 'date':
			return validDate(rng);
		case 'dropdown':
			return rng.pick(field.options);
		default:
			return hostileText(rng);
	}
}

/*
 * The oracles for email and date answers, written here without the package's patterns: what a field of that type
 * may hold once accepted.
 */

/** One @ after a non-empty local part; a domain of two or more non-empty labels; no whitespace; at most 254. */
export function isEmailShape(value: string): boolean {
	if (value.length > 254 || [...value].some((c) => c.trim() === '')) return false;
	const at = value.indexOf('@');
	if (at <= 0 || at !== value.lastIndexOf('@')) return false;
	const labels = value.slice(at + 1).split('.');
	return labels.length >= 2 && labels.every((label) => label.length > 0);
}

/** YYYY-MM-DD of a day the Gregorian calendar has. */
export function isRealCalendarDate(value: string): boolean {
	if (value.length !== 10 || value[4] !== '-' || value[7] !== '-') return false;
	const digits = value.slice(0, 4) + value.slice(5, 7) + value.slice(8);
	if (![...digits].every((c) => c >= '0' && c <= '9')) return false;
	const [year, month, day] = [value.slice(0, 4), value.slice(5, 7), value.slice(8)].map(Number);
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

function answerBody(rng: Rng, fields: FormField[]): unknown {
	if (rng.chance(0.1)) return hostileValue(rng);
	const body: Record<string, unknown> = {};
	for (const [index, field] of fields.entries()) {
		if (rng.chance(0.2)) continue;
		const name = `field-${index}`;
		body[name] = rng.chance(0.8)
			? fitting(rng, field)
			: rng.pick([
					() => hostileText(rng),
					() => invalidEmailOrDate(rng),
					() => '1e5',
					() => hostileValue(rng),
				])();
	}
	if (rng.chance(0.1)) body.__proto__ = { polluted: 'yes' };
	return body;
}

export const sendAndWaitTarget: FuzzTarget = {
	name: 'sendAndWait',
	// Most forms build and 80 % of answers fit; one unfitting or missing required field refuses (seeded: 29 %).
	minAcceptedShare: 0.2,
	run(rng: Rng): Outcome {
		const raw = definition(rng);
		let fields: FormField[];
		try {
			fields = readFormDefinition(raw);
		} catch (error) {
			check(error instanceof FormDefinitionError, `threw ${String(error)}`, raw);
			return 'refused';
		}
		const page = mustNotThrow(raw, 'renderFormPage', () =>
			renderFormPage({
				title: hostileText(rng),
				description: hostileText(rng),
				buttonLabel: hostileText(rng),
				fields,
			}),
		);
		for (const match of page.matchAll(/<([^\s>]*)/g))
			check(OUR_TAGS.has(match[1]), `the page holds a foreign tag <${match[1]}`, raw);
		const body = answerBody(rng, fields);
		const answer = mustNotThrow(body, 'readAnswer', () => readAnswer(fields, body));
		check(
			({} as Record<string, unknown>).polluted === undefined,
			'Object.prototype was polluted',
			body,
		);
		// The other way round: a valid address or date alone in a required field of its type is accepted as sent.
		for (const field of fields) {
			if (field.type !== 'email' && field.type !== 'date') continue;
			const sent = field.type === 'email' ? validEmail(rng) : validDate(rng);
			const alone = mustNotThrow(sent, 'readAnswer', () =>
				readAnswer([{ ...field, required: true }], { [fieldName(0)]: sent }),
			);
			check(
				alone.ok && alone.values[field.label] === sent,
				`a valid ${field.type} was not accepted as sent: ${sent}`,
				sent,
			);
		}
		if (!answer.ok) return 'refused';
		for (const field of fields) {
			const value = answer.values[field.label];
			const fits =
				field.type === 'number'
					? value === null || (typeof value === 'number' && Number.isFinite(value))
					: typeof value === 'string' &&
						(field.type !== 'dropdown' || value === '' || field.options.includes(value)) &&
						(field.type !== 'email' || value === '' || isEmailShape(value)) &&
						(field.type !== 'date' || value === '' || isRealCalendarDate(value));
			check(fits, `field "${field.label}" (${field.type}) accepted ${String(value)}`, body);
			check(!field.required || (value !== '' && value !== null), 'a required field is empty', body);
		}
		return 'accepted';
	},
};
