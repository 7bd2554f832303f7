import type { INodeProperties } from 'n8n-workflow';

import type { DingTalkOperation } from '../node.type';
import * as create from './create.operation';
import * as deleteOperation from './delete.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations: Record<string, DingTalkOperation> = {
	create,
	delete: deleteOperation,
	getAll,
	update,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['todo'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a todo for a user',
				description:
					'Create a DingTalk to-do (待办) for one or more users, with a subject, a detail link, a due time and a priority; outputs its taskId',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a todo',
				description: 'Delete a to-do by its taskId, as its creator',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many todos of a user',
				description:
					"List a user's to-dos in the organisation (created, to do or followed), open, done or both",
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a todo',
				description:
					'Change a to-do by its taskId: mark it done or open, or change its subject, due time, description or people',
			},
		],
		default: 'create',
	},
	...create.description,
	...update.description,
	...deleteOperation.description,
	...getAll.description,
];
