import type { INodeProperties } from 'n8n-workflow';

import type { DingTalkOperation } from '../node.type';
import * as answerCallback from './answerCallback.operation';
import * as send from './send.operation';
import * as streamContent from './streamContent.operation';
import * as update from './update.operation';

export const operations: Record<string, DingTalkOperation> = {
	send,
	update,
	streamContent,
	answerCallback,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['card'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				action: 'Send an interactive card',
				description: 'Create a card from a template and deliver it to a user or group',
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a card',
				description:
					'Change the variables of a card already sent (this is how a message is updated)',
			},
			{
				name: 'Answer Callback',
				value: 'answerCallback',
				action: 'Answer a card callback',
				description:
					'Update the clicked card in the answer to its callback (runs started by a card click)',
			},
			{
				name: 'Stream Content',
				value: 'streamContent',
				action: 'Stream content into an AI card',
				description:
					'Append or replace a field of an AI card, so an answer types itself into the chat',
			},
		],
		default: 'send',
	},
	...send.description,
	...update.description,
	...streamContent.description,
	...answerCallback.description,
];
