/**
 * Send and Wait's answer side: any form definition either builds or is refused with FormDefinitionError; any
 * answer body is read or refused (never a throw); an accepted answer holds only values of the field's type; the
 * rendered page holds no tag but ours, whatever the labels, options, placeholders and description contain.
 */
import {
	FormDefinitionError,
	type FormField,
	readAnswer,
	readFormDefinition,
} from '../../../nodes/DingTalk/actions/message/responseForm';
import { renderFormPage } from '../../../nodes/DingTalk/actions/message/responsePage';
import { check, type FuzzTarget, mustNotThrow, type Outcome } from '../harness';
import { hostileValue, type Rng } from '../prng';

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

/** A value the field should accept (a hostile text for text fields). */
function fitting(rng: Rng, field: FormField): string {
	switch (field.type) {
		case 'number':
			return String(rng.int(2000) - 1000) + (rng.chance(0.5) ? '.25' : '');
		case 'email':
			return 'someone@example.cn';
		case 'date':
			return '2024-02-29';
		case 'dropdown':
			return rng.pick(field.options);
		default:
			return hostileText(rng);
	}
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
					() => '2026-02-30',
					() => '1e5',
					() => 'a@b',
					() => hostileValue(rng),
				])();
	}
	if (rng.chance(0.1)) body.__proto__ = { polluted: 'yes' };
	return body;
}

export const sendAndWaitTarget: FuzzTarget = {
	name: 'sendAndWait',
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
		if (!answer.ok) return 'refused';
		for (const field of fields) {
			const value = answer.values[field.label];
			const fits =
				field.type === 'number'
					? value === null || (typeof value === 'number' && Number.isFinite(value))
					: typeof value === 'string' &&
						(field.type !== 'dropdown' || value === '' || field.options.includes(value));
			check(fits, `field "${field.label}" (${field.type}) accepted ${String(value)}`, body);
			check(!field.required || (value !== '' && value !== null), 'a required field is empty', body);
		}
		return 'accepted';
	},
};
