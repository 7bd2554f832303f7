import type { INodeProperties } from 'n8n-workflow';

import type { DingTalkOperation } from '../node.type';
import * as getAll from './getAll.operation';

export const operations: Record<string, DingTalkOperation> = { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['department'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many departments',
				description: 'List the departments below a department',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
