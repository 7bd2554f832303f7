import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getFormSchema } from '../../api/approval';
import { formFields } from '../../helpers/approvalForm';
import type { DingTalkClient } from '../../transport';
import { processCodeField } from './shared';

import { requiredString } from '../../../shared/parameters';

export const description = updateDisplayOptions(
	{ show: { resource: ['approval'], operation: ['getFormSchema'] } },
	[processCodeField('getFormSchema')],
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const processCode = requiredString(this, 'processCode', i, 'Process Code');
	const schema = await getFormSchema(client, processCode);
	return {
		processCode,
		name: schema.name ?? schema.schemaContent?.title,
		fields: formFields(schema).map(({ id, label, componentName, required, options }) => ({
			id,
			label,
			componentName,
			required,
			options,
		})),
	};
}
