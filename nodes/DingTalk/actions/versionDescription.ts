import type { INodeProperties } from 'n8n-workflow';

import * as approval from './approval';
import * as card from './card';
import * as connection from './connection';
import * as department from './department';
import * as media from './media';
import * as message from './message';
import * as todo from './todo';
import * as user from './user';

/** The node's fields: credential type, resource, and each resource's operations with their own fields. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Credential Type',
		name: 'authentication',
		type: 'options',
		options: [
			{ name: 'DingTalk Stream API', value: 'streamApi' },
			{ name: 'DingTalk HTTP API', value: 'httpApi' },
		],
		default: 'streamApi',
		description: 'Either works for sending; use the one your DingTalk Trigger uses',
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Approval', value: 'approval' },
			{ name: 'Card', value: 'card' },
			{ name: 'Connection', value: 'connection' },
			{ name: 'Department', value: 'department' },
			{ name: 'Media', value: 'media' },
			{ name: 'Message', value: 'message' },
			{ name: 'To-Do', value: 'todo' },
			{ name: 'User', value: 'user' },
		],
		default: 'message',
	},
	...message.description,
	...card.description,
	...user.description,
	...department.description,
	...connection.description,
	...media.description,
	...approval.description,
	...todo.description,
];
