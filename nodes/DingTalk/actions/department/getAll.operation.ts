import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { departmentLocator, returnAllAndLimit } from '../../descriptions/common';
import { listDepartments } from '../../api/directory';
import type { DingTalkClient } from '../../transport';

import { returnAllLimit } from '../../../shared/parameters';

const show = { resource: ['department'], operation: ['getAll'] };

const properties: INodeProperties[] = [
	departmentLocator({
		name: 'parentDepartmentId',
		displayName: 'Parent Department',
		description: 'List the departments below this one; 1 is the whole organisation',
	}),
	{
		displayName: 'Include All Levels',
		name: 'recursive',
		type: 'boolean',
		default: false,
		description: 'Whether to list every level below the parent, not only its direct children',
	},
	...returnAllAndLimit(show),
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject[]> {
	const parentId = Number(
		this.getNodeParameter('parentDepartmentId', i, 1, { extractValue: true }),
	);
	const recursive = this.getNodeParameter('recursive', i, false) as boolean;
	return await listDepartments(client, parentId, recursive, returnAllLimit(this, i));
}
