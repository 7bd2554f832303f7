import { isJsonObject } from '../../../shared/json';

/**
 * The answer side of Send and Wait for Response, as pure functions: the form a person fills in (Free Text, Custom
 * Form), and the strict reading of what comes back. Everything read here comes from a request anyone holding the
 * link can shape, so every reader is bounded and answers one kind of refusal without echoing the input.
 */

/** The field types the response page renders; n8n's Form field types of the same names. */
export const FIELD_TYPES = ['text', 'textarea', 'number', 'email', 'date', 'dropdown'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FormField {
	/** The label the person sees; also the key of the answer in the output, as in n8n's forms. */
	label: string;
	type: FieldType;
	required: boolean;
	placeholder: string;
	/** The choices of a dropdown. */
	options: string[];
}

/** Bounds of a form definition (the workflow's) and of an answer (anyone's). */
export const MAX_FIELDS = 30;
export const MAX_LABEL_LENGTH = 200;
export const MAX_OPTIONS = 100;
/** The longest value accepted in one field (characters); a free-text answer included. */
export const MAX_VALUE_LENGTH = 10_000;
/** The largest answer body accepted (bytes), whatever n8n's own payload limit is. */
export const MAX_BODY_BYTES = 64 * 1024;
/** More keys than this in an answer is not a browser submitting our form. */
export const MAX_BODY_KEYS = MAX_FIELDS + 5;

/**
 * Labels an answer cannot have: `__proto__` would set the output object's prototype (the value is lost), and
 * `respondedAt` is the time of the answer the output adds beside the values.
 */
export const RESERVED_LABELS = ['__proto__', 'respondedAt'];

/** The single field of a Free Text answer. */
export const FREE_TEXT_FIELD: FormField = {
	label: 'Response',
	type: 'textarea',
	required: true,
	placeholder: '',
	options: [],
};

/** The name of field `index` in the HTML form; labels never become names, so nothing of theirs reaches HTML names. */
export function fieldName(index: number): string {
	return `field-${index}`;
}

/** Why a form definition cannot be used; shown to the workflow's author, never to the person answering. */
export class FormDefinitionError extends Error {}

/**
 * Reads a form definition the way n8n's forms write it: `[{fieldLabel, fieldType, requiredField, placeholder,
 * fieldOptions: {values: [{option}]}}]`, from the Fields parameter or from JSON. Refuses what the page cannot render.
 */
export function readFormDefinition(raw: unknown): FormField[] {
	if (!Array.isArray(raw)) throw new FormDefinitionError('The form fields must be a list');
	if (raw.length === 0) throw new FormDefinitionError('The form has no fields');
	if (raw.length > MAX_FIELDS)
		throw new FormDefinitionError(`The form has ${raw.length} fields; at most ${MAX_FIELDS}`);
	const labels = new Set<string>();
	return raw.map((entry: unknown, index) => {
		const field = isJsonObject(entry) ? entry : {};
		const label = typeof field.fieldLabel === 'string' ? field.fieldLabel.trim() : '';
		const where = `Field ${index + 1}`;
		if (!label) throw new FormDefinitionError(`${where} has no label (fieldLabel)`);
		if (label.length > MAX_LABEL_LENGTH)
			throw new FormDefinitionError(`${where}: the label is longer than ${MAX_LABEL_LENGTH}`);
		if (RESERVED_LABELS.includes(label))
			throw new FormDefinitionError(
				`${where}: the label "${label}" is reserved (${RESERVED_LABELS.join(', ')}); choose another`,
			);
		if (labels.has(label))
			throw new FormDefinitionError(`${where}: the label "${label}" is used twice`);
		labels.add(label);
		const type = field.fieldType === undefined ? 'text' : field.fieldType;
		if (!FIELD_TYPES.includes(type as FieldType))
			throw new FormDefinitionError(
				`${where}: the field type ${JSON.stringify(type)} is not supported (${FIELD_TYPES.join(', ')})`,
			);
		const options = readOptions(field.fieldOptions, where);
		if (type === 'dropdown' && options.length === 0)
			throw new FormDefinitionError(`${where}: a dropdown needs options`);
		return {
			label,
			type: type as FieldType,
			required: field.requiredField === true,
			placeholder: typeof field.placeholder === 'string' ? field.placeholder : '',
			options: type === 'dropdown' ? options : [],
		};
	});
}

function readOptions(raw: unknown, where: string): string[] {
	const values = isJsonObject(raw) && Array.isArray(raw.values) ? raw.values : [];
	if (values.length > MAX_OPTIONS)
		throw new FormDefinitionError(`${where}: more than ${MAX_OPTIONS} options`);
	return values.map((value: unknown) =>
		isJsonObject(value) && typeof value.option === 'string' ? value.option : '',
	);
}

/** Parses the Form JSON parameter: a JSON array of field definitions. */
export function parseFormJson(text: string): FormField[] {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no n8n context here; callers convert it
		throw new FormDefinitionError('The form JSON is not valid JSON');
	}
	return readFormDefinition(parsed);
}

/**
 * The size of an answer as n8n parsed it (field names and values, in bytes), counted up to just past `limit`: a body
 * sent without Content-Length (chunked) declares nothing, so what was read is what counts.
 */
export function answerBytes(body: unknown, limit = MAX_BODY_BYTES): number {
	if (!isJsonObject(body)) return 0;
	let bytes = 0;
	for (const key of Object.keys(body)) {
		const value = body[key];
		bytes += Buffer.byteLength(key);
		for (const part of Array.isArray(value) ? value : [value])
			bytes += typeof part === 'string' ? Buffer.byteLength(part) : String(part).length;
		if (bytes > limit) break;
	}
	return bytes;
}

export type AnswerValue = string | number | null;

/** The one answer per kind of refusal; the person sees a fixed text, never their input. */
export type Refusal = 'invalid' | 'tooLarge' | 'unsupported' | 'unavailable';

export type AnswerResult =
	| { ok: true; values: Record<string, AnswerValue> }
	| { ok: false; refusal: Refusal };

/** The value patterns; each linear (no two quantifiers compete for a character). Exported for their test. */
export const ANSWER_PATTERNS = {
	date: /^(\d{4})-(\d{2})-(\d{2})$/,
	// Non-space non-@, one @, then dot-separated runs that hold no dot: a dot ends every run.
	email: /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/,
	number: /^-?\d{1,15}(?:\.\d{1,15})?$/,
};
const { date: DATE, email: EMAIL, number: NUMBER } = ANSWER_PATTERNS;

/**
 * Reads a submitted answer against the form: each field at most once, a string of bounded length, of the field's
 * type, required ones present. Unknown keys are ignored (n8n's form fields too many are refused). Output keys are
 * the labels, as n8n's forms output them.
 */
export function readAnswer(fields: FormField[], body: unknown): AnswerResult {
	if (!isJsonObject(body)) return { ok: false, refusal: 'invalid' };
	const keys = Object.keys(body);
	if (keys.length > MAX_BODY_KEYS) return { ok: false, refusal: 'tooLarge' };
	const values: Record<string, AnswerValue> = {};
	for (const [index, field] of fields.entries()) {
		const name = fieldName(index);
		const raw = Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined;
		if (raw !== undefined && typeof raw !== 'string') return { ok: false, refusal: 'invalid' };
		if (raw !== undefined && raw.length > MAX_VALUE_LENGTH)
			return { ok: false, refusal: 'tooLarge' };
		const text = field.type === 'textarea' ? (raw ?? '') : (raw ?? '').trim();
		if (text.trim() === '') {
			if (field.required) return { ok: false, refusal: 'invalid' };
			values[field.label] = field.type === 'number' ? null : '';
			continue;
		}
		const value = readValue(field, text);
		if (value === undefined) return { ok: false, refusal: 'invalid' };
		values[field.label] = value;
	}
	return { ok: true, values };
}

function readValue(field: FormField, text: string): AnswerValue | undefined {
	switch (field.type) {
		case 'number': {
			if (!NUMBER.test(text)) return undefined;
			const number = Number(text);
			return Number.isFinite(number) ? number : undefined;
		}
		case 'email':
			return text.length <= 254 && EMAIL.test(text) ? text : undefined;
		case 'date':
			return isCalendarDate(text) ? text : undefined;
		case 'dropdown':
			return field.options.includes(text) ? text : undefined;
		default:
			return text;
	}
}

function isCalendarDate(text: string): boolean {
	const match = DATE.exec(text);
	if (!match) return false;
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	return (
		date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
	);
}

/** An approval link's `approved`: exactly 'true' or 'false'; anything else (a list, a case variant) is refused. */
export function readApproved(value: unknown): boolean | undefined {
	if (value === 'true') return true;
	if (value === 'false') return false;
	return undefined;
}

/** The signed `user` of a link to one user: one short ID, or nothing. */
export const MAX_USER_ID_LENGTH = 64;
export function readUserId(value: unknown): string | undefined {
	if (typeof value !== 'string' || value === '' || value.length > MAX_USER_ID_LENGTH)
		return undefined;
	return value;
}
