import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { departmentLocator, returnAllAndLimit } from '../../descriptions/common';
import { listDepartments, listUsers } from '../../api/directory';
import type { DingTalkClient } from '../../transport';

import { returnAllLimit } from '../../../shared/parameters';

const show = { resource: ['user'], operation: ['getAll'] };

const properties: INodeProperties[] = [
	departmentLocator({ name: 'departmentId' }),
	{
		displayName: 'Include Sub-Departments',
		name: 'includeSubDepartments',
		type: 'boolean',
		default: false,
		description: 'Whether to also list members of every department below this one (each user once)',
	},
	{
		displayName: 'Detail',
		name: 'detail',
		type: 'options',
		options: [
			{ name: 'ID and Name', value: 'simple', description: 'Fast: user ID and name only' },
			{
				name: 'Full Profile',
				value: 'full',
				description: 'Title, email, mobile, departments and more (needs more permissions)',
			},
		],
		default: 'simple',
	},
	...returnAllAndLimit(show),
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject[]> {
	const departmentId = Number(this.getNodeParameter('departmentId', i, 1, { extractValue: true }));
	const recursive = this.getNodeParameter('includeSubDepartments', i, false) as boolean;
	const detail = this.getNodeParameter('detail', i, 'simple') as 'simple' | 'full';
	const limit = returnAllLimit(this, i);
	const departmentIds = [departmentId];
	if (recursive)
		departmentIds.push(
			...(await listDepartments(client, departmentId, true)).map((d) => d.dept_id),
		);
	return await listUsers(client, departmentIds, detail, limit);
}
