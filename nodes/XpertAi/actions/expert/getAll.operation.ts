import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllLimit } from '../../../shared/parameters';
import { listExperts, type XpertClient } from '../../transport/xpertApi';

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['expert'], operation: ['getAll'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	xpert: XpertClient,
	i: number,
): Promise<IDataObject[]> {
	const experts = await listExperts(xpert, returnAllLimit(this, i));
	return experts.map((e) => ({
		id: e.assistant_id,
		name: e.name,
		description: e.description ?? '',
		...e,
	}));
}
