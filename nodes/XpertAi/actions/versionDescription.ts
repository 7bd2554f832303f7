import type { INodeProperties } from 'n8n-workflow';

import * as expert from './expert';
import * as thread from './thread';

/** The node's fields: resource, and each resource's operations with their own fields. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Digital Expert', value: 'expert' },
			{ name: 'Thread', value: 'thread' },
		],
		default: 'expert',
	},
	...expert.description,
	...thread.description,
];
