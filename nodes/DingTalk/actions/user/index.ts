import type { INodeProperties } from 'n8n-workflow';

import type { DingTalkOperation } from '../node.type';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, DingTalkOperation> = { getAll, get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get a user', description: "Get one user's profile" },
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many users',
				description: 'List the members of a department',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
];
