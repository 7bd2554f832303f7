import type { INodeProperties } from 'n8n-workflow';

import type { DingTalkOperation } from '../node.type';
import * as answerCallback from './answerCallback.operation';
import * as send from './send.operation';
import * as sendDecisionCard from './sendDecisionCard.operation';
import * as streamContent from './streamContent.operation';
import * as update from './update.operation';

export const operations: Record<string, DingTalkOperation> = {
	send,
	update,
	streamContent,
	answerCallback,
	sendDecisionCard,
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
				name: 'Answer Callback',
				value: 'answerCallback',
				action: 'Answer a card callback',
				description:
					'Update the clicked card in the answer to its callback (runs started by a card click)',
			},
			{
				name: 'Send',
				value: 'send',
				action: 'Send an interactive card',
				description: 'Create a card from a template and deliver it to a user or group',
			},
			{
				name: 'Send Decision Card',
				value: 'sendDecisionCard',
				action: 'Send a decision card',
				description:
					'Send a card with Approve and Refuse buttons that only the listed approvers can use; the DingTalk Trigger names who decided',
			},
			{
				name: 'Stream Content',
				value: 'streamContent',
				action: 'Stream content into an AI card',
				description:
					'Append or replace a field of an AI card, so an answer types itself into the chat',
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a card',
				description:
					'Change the variables of a card already sent (this is how a message is updated)',
			},
		],
		default: 'send',
	},
	...send.description,
	...update.description,
	...streamContent.description,
	...answerCallback.description,
	...sendDecisionCard.description,
];
