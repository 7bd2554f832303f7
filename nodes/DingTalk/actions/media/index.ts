import type { INodeProperties } from 'n8n-workflow';

import type { DingTalkOperation } from '../node.type';
import * as upload from './upload.operation';

export const operations: Record<string, DingTalkOperation> = { upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['media'] } },
		options: [
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload a file',
				description: 'Store a binary file in DingTalk and get its media ID for messages',
			},
		],
		default: 'upload',
	},
	...upload.description,
];
