import type {
	FieldType,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { getFormSchema, listVisibleTemplatesPage } from '../api/approval';
import {
	type ApprovalFormField,
	DATE_COMPONENTS,
	formFields,
	NUMBER_COMPONENTS,
	SELECT_COMPONENTS,
} from '../helpers/approvalForm';
import { clientFor, toNodeError } from '../transport';

/** Enough pages for any organisation's template list; a token that repeats ends it sooner. */
const MAX_TEMPLATE_PAGES = 20;

/** The approval templates the app can see, for the Process Code picker: "name (processCode)". */
export async function getApprovalTemplates(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	try {
		const client = await clientFor(this);
		const options: INodePropertyOptions[] = [];
		const tokensSeen = new Set<number>();
		let nextToken: number | undefined = 0;
		for (let page = 0; page < MAX_TEMPLATE_PAGES && nextToken !== undefined; page++) {
			tokensSeen.add(nextToken);
			const answer = await listVisibleTemplatesPage(client, nextToken);
			for (const template of answer.templates) {
				if (!template.processCode) continue;
				options.push({
					name: `${template.name ?? template.processCode} (${template.processCode})`,
					value: template.processCode,
					...(template.dirName ? { description: template.dirName } : {}),
				});
			}
			nextToken =
				answer.templates.length > 0 &&
				answer.nextToken !== undefined &&
				!tokensSeen.has(answer.nextToken)
					? answer.nextToken
					: undefined;
		}
		return options.sort((a, b) => a.name.localeCompare(b.name));
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

function fieldType(field: ApprovalFormField): FieldType {
	if (NUMBER_COMPONENTS.has(field.componentName)) return 'number';
	if (SELECT_COMPONENTS.has(field.componentName) && field.options.length > 0) return 'options';
	if (DATE_COMPONENTS.has(field.componentName)) return 'dateTime';
	return 'string';
}

/** The form as mapper fields, keyed by label (what Create sends as each value's `name`). */
export function mapperFields(fields: ApprovalFormField[]): ResourceMapperField[] {
	return fields.map((field) => {
		const type = fieldType(field);
		return {
			id: field.label,
			displayName: field.label,
			required: field.required,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type,
			...(type === 'options'
				? { options: field.options.map((option) => ({ name: option, value: option })) }
				: {}),
		};
	});
}

/** The chosen template's form fields, for Create's Form Values mapper. */
export async function getApprovalFormFields(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	const processCode = String(this.getNodeParameter('processCode', '') ?? '').trim();
	if (!processCode)
		return { fields: [], emptyFieldsNotice: 'Choose a process code (template) first' };
	try {
		const client = await clientFor(this);
		const fields = mapperFields(formFields(await getFormSchema(client, processCode)));
		return fields.length
			? { fields }
			: { fields, emptyFieldsNotice: 'This template has no fields that can be mapped' };
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
