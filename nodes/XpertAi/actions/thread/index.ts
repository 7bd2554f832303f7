import type { INodeProperties } from 'n8n-workflow';

import type { XpertOperation } from '../node.type';
import * as deleteThread from './delete.operation';

export const operations: Record<string, XpertOperation> = { delete: deleteThread };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['thread'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a session s thread',
				description: 'End a conversation: the next message starts a new thread',
			},
		],
		default: 'delete',
	},
	...deleteThread.description,
];
