import type { INodeProperties } from 'n8n-workflow';

import * as ask from './expert/ask.operation';
import * as askStreaming from './expert/askStreaming.operation';
import * as getAll from './expert/getAll.operation';
import * as deleteThread from './thread/delete.operation';

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
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['expert'] } },
		options: [
			{ name: 'Ask', value: 'ask', action: 'Ask a digital expert', description: 'Send a message in the session\'s conversation and wait for the whole answer' },
			{ name: 'Ask (Streaming)', value: 'askStreaming', action: 'Ask a digital expert and stream the answer into an AI card', description: 'The answer types itself into a DingTalk AI card as it is written' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many digital experts', description: 'The published Digital Experts this API key can see' },
		],
		default: 'ask',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['thread'] } },
		options: [{ name: 'Delete', value: 'delete', action: 'Delete a session s thread', description: 'End a conversation: the next message starts a new thread' }],
		default: 'delete',
	},
	{
		displayName: 'DingTalk Credential Type',
		name: 'dingTalkAuthentication',
		type: 'options',
		options: [
			{ name: 'DingTalk Stream API', value: 'streamApi' },
			{ name: 'DingTalk HTTP API', value: 'httpApi' },
		],
		default: 'streamApi',
		description: 'The DingTalk app whose AI card receives the answer',
		displayOptions: { show: { resource: ['expert'], operation: ['askStreaming'] } },
	},
	...ask.description,
	...askStreaming.description,
	...getAll.description,
	...deleteThread.description,
];
