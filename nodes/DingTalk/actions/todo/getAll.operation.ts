import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../descriptions/common';
import { listTodos } from '../../api/todo';
import type { DingTalkClient } from '../../transport';
import { todoUserField } from './fields';
import { unionIdOf } from './unionIds';

import { requiredString, returnAllLimit } from '../../../shared/parameters';

const show = { resource: ['todo'], operation: ['getAll'] };

const properties: INodeProperties[] = [
	todoUserField('Whose to-dos to list: those they created, do or follow in this organisation'),
	...returnAllAndLimit(show),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Done',
				name: 'isDone',
				type: 'boolean',
				default: false,
				description:
					'Whether to list only done to-dos (on) or only open ones (off); without it, both',
			},
		],
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject[]> {
	const userId = requiredString(this, 'userId', i, 'User', { extractValue: true });
	const filters = this.getNodeParameter('filters', i, {}) as { isDone?: boolean };
	const limit = returnAllLimit(this, i);
	const unionId = await unionIdOf.call(this, client, userId, i);
	const isDone = filters.isDone === undefined ? undefined : Boolean(filters.isDone);
	return await listTodos(client, unionId, isDone, limit);
}
