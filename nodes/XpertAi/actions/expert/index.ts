import type { INodeProperties } from 'n8n-workflow';

import type { XpertOperation } from '../node.type';
import * as ask from './ask.operation';
import * as askStreaming from './askStreaming.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, XpertOperation> = { ask, askStreaming, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['expert'] } },
		options: [
			{
				name: 'Ask',
				value: 'ask',
				action: 'Ask a digital expert',
				description: "Send a message in the session's conversation and wait for the whole answer",
			},
			{
				name: 'Ask (Streaming)',
				value: 'askStreaming',
				action: 'Ask a digital expert and stream the answer into an AI card',
				description: 'The answer types itself into a DingTalk AI card as it is written',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many digital experts',
				description: 'The published Digital Experts this API key can see',
			},
		],
		default: 'ask',
	},
	...ask.description,
	...askStreaming.description,
	...getAll.description,
];
