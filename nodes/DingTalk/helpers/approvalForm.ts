import type { FormComponentValue, FormSchema, InstanceFormValue } from '../api/approval';

import { isJsonObject, textField } from '../../shared/json';

/**
 * An approval template's form as a builder maps it: fields by label, each value checked against the schema before
 * DingTalk sees it (a select value among its options, a number that is a number, a date in the field's format), and
 * turned into the text DingTalk's formComponentValues take.
 */

/** One field of a template's form, as Get Form Schema outputs it. */
export interface ApprovalFormField {
	id: string;
	label: string;
	componentName: string;
	required: boolean;
	/** Select fields: the values a user may choose. */
	options: string[];
	/** Date fields: DingTalk's format (`yyyy-MM-dd` or `yyyy-MM-dd HH:mm`). */
	format?: string;
}

/** The kinds of field the mapping converts; any other component takes its value as text. */
export const NUMBER_COMPONENTS = new Set(['NumberField', 'MoneyField']);
export const SELECT_COMPONENTS = new Set(['DDSelectField']);
export const DATE_COMPONENTS = new Set(['DDDateField']);
/** Components that carry no value (text blocks, layout): left out of the mapping. */
const DISPLAY_ONLY_COMPONENTS = new Set(['TextNote']);

/** Bounds on what a schema from DingTalk may make this package hold. */
const MAX_FIELDS = 200;
const MAX_OPTIONS = 500;

/** A select option as DingTalk gives it: a plain string, or (UNCONFIRMED) a JSON string `{"value": …, "key": …}`. */
function optionValue(option: unknown): string {
	if (typeof option !== 'string') return textField((option as { value?: unknown })?.value);
	if (!option.startsWith('{')) return option;
	try {
		const parsed: unknown = JSON.parse(option);
		return isJsonObject(parsed) ? textField(parsed.value) : option;
	} catch {
		return option;
	}
}

/** The template's fields from a QuerySchemaByProcessCode answer; fields without a label cannot be mapped and are skipped. */
export function formFields(schema: FormSchema): ApprovalFormField[] {
	const items = Array.isArray(schema.schemaContent?.items) ? schema.schemaContent.items : [];
	const fields: ApprovalFormField[] = [];
	for (const item of items.slice(0, MAX_FIELDS)) {
		if (!isJsonObject(item) || !isJsonObject(item.props)) continue;
		const componentName = textField(item.componentName);
		const label = textField(item.props.label);
		if (!label || DISPLAY_ONLY_COMPONENTS.has(componentName)) continue;
		const options = Array.isArray(item.props.options)
			? item.props.options.slice(0, MAX_OPTIONS).map(optionValue).filter(Boolean)
			: [];
		const format = textField(item.props.format);
		fields.push({
			id: textField(item.props.id),
			label,
			componentName,
			required: item.props.required === true,
			options,
			...(format ? { format } : {}),
		});
	}
	return fields;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}/;
const DATE_AND_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/;

/** A date as the field's format wants it, from an ISO date or date-time (its own wall time, no time zone shift). */
function dateValue(field: ApprovalFormField, value: string): string | undefined {
	if (field.format === 'yyyy-MM-dd HH:mm') {
		const match = DATE_AND_TIME.exec(value);
		if (match) return `${match[1]} ${match[2]}`;
		return DATE_ONLY.test(value) && value.length === 10 ? `${value} 00:00` : undefined;
	}
	return DATE_ONLY.test(value) ? value.slice(0, 10) : undefined;
}

/**
 * A date object's text: an expression may give a Luxon DateTime (its toJSON is its ISO text, in its own zone) or a JS
 * Date. (n8n 2.41.1 hands a mapped dateTime field typed in the editor over as text.)
 */
function dateText(raw: unknown): string | undefined {
	if (typeof raw !== 'object' || raw === null) return undefined;
	const toJSON = (raw as { toJSON?: unknown }).toJSON;
	if (typeof toJSON !== 'function') return undefined;
	const text: unknown = toJSON.call(raw);
	return typeof text === 'string' ? text : undefined;
}

/** The text DingTalk takes for one field's value, or why the value does not fit the field. */
export function fieldValue(
	field: ApprovalFormField,
	raw: unknown,
): { value: string } | { problem: string } {
	const value =
		typeof raw === 'string'
			? raw.trim()
			: typeof raw === 'number' || typeof raw === 'boolean'
				? String(raw)
				: raw === null || raw === undefined
					? ''
					: (dateText(raw) ?? JSON.stringify(raw));
	if (value === '') return { value };
	if (NUMBER_COMPONENTS.has(field.componentName)) {
		const number = Number(value);
		return Number.isFinite(number)
			? { value: String(number) }
			: { problem: `"${field.label}" takes a number, not "${value}"` };
	}
	if (SELECT_COMPONENTS.has(field.componentName) && field.options.length > 0) {
		return field.options.includes(value)
			? { value }
			: {
					problem: `"${field.label}" takes one of ${field.options.map((o) => `"${o}"`).join(', ')}, not "${value}"`,
				};
	}
	if (DATE_COMPONENTS.has(field.componentName)) {
		const date = dateValue(field, value);
		return date === undefined
			? {
					problem: `"${field.label}" takes a date (${field.format ?? 'yyyy-MM-dd'}), not "${value}"`,
				}
			: { value: date };
	}
	return { value };
}

/**
 * Form values by label (the resource mapper's value) as formComponentValues, in the form's order; empty values are
 * left out. Refuses a label the form has not got, a value that does not fit, and a required field left empty.
 */
export function formComponentValues(
	fields: ApprovalFormField[],
	byLabel: Record<string, unknown>,
): { values: FormComponentValue[] } | { problem: string } {
	const known = new Map(fields.map((field) => [field.label, field]));
	for (const label of Object.keys(byLabel))
		if (!known.has(label)) return { problem: `The form has no field "${label}"` };
	const values: FormComponentValue[] = [];
	for (const field of fields) {
		const converted = fieldValue(field, byLabel[field.label]);
		if ('problem' in converted) return converted;
		if (converted.value === '') {
			if (field.required) return { problem: `"${field.label}" is required by the form` };
			continue;
		}
		values.push({ name: field.label, value: converted.value });
	}
	return { values };
}

/**
 * Form values given as JSON: an object by label (`{"Reason": "Taxi"}`), or DingTalk's own list
 * (`[{"name": "Reason", "value": "Taxi"}]`, details tables included). Non-text values are sent as JSON text.
 */
export function formValuesFromJson(
	json: unknown,
): { values: FormComponentValue[] } | { problem: string } {
	const text = (value: unknown) =>
		typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
	if (isJsonObject(json))
		return {
			values: Object.entries(json).map(([name, value]) => ({ name, value: text(value) })),
		};
	if (!Array.isArray(json))
		return { problem: 'Form Values (JSON) must be an object by label or a list of {name, value}' };
	const values: FormComponentValue[] = [];
	for (const entry of json) {
		if (!isJsonObject(entry) || typeof entry.name !== 'string' || !entry.name)
			return { problem: 'Each entry of Form Values (JSON) needs a "name" (the field label)' };
		values.push({
			...(isJsonObject(entry) ? (entry as object) : {}),
			name: entry.name,
			value: text(entry.value),
		} as FormComponentValue);
	}
	return { values };
}

/** An instance's form values by label (own properties, whatever the label); a label used twice keeps its first value. */
export function formByLabel(values: InstanceFormValue[] | undefined): Record<string, string> {
	const form = new Map<string, string>();
	for (const value of Array.isArray(values) ? values : []) {
		if (!isJsonObject(value)) continue;
		const label = textField(value.name);
		if (label && !form.has(label)) form.set(label, textField(value.value));
	}
	return Object.fromEntries(form);
}
