import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { xpertRequest } from '../../transport/xpertApi';

const properties: INodeProperties[] = [
	{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: false, description: 'Whether to return all results or only up to a given limit' },
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

export const description = updateDisplayOptions({ show: { resource: ['expert'], operation: ['getAll'] } }, properties);

const PAGE = 100;

/** Lists the published Digital Experts this key can see (`assistants/search`, paged). */
export async function listExperts(context: Parameters<typeof xpertRequest>[0], max: number): Promise<IDataObject[]> {
	const experts: IDataObject[] = [];
	for (let offset = 0; experts.length < max; offset += PAGE) {
		const page = await xpertRequest<IDataObject[]>(context, { method: 'POST', path: '/assistants/search', body: { limit: Math.min(PAGE, max - experts.length), offset } });
		experts.push(...(page ?? []));
		if (!page || page.length < PAGE) break;
	}
	return experts;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Number.MAX_SAFE_INTEGER : Number(this.getNodeParameter('limit', i, 50));
	const experts = await listExperts(this, limit);
	return experts.map((e) => ({ id: e.assistant_id, name: e.name, description: e.description ?? '', ...e }));
}
