import { type INodeProperties, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { messageContentFields } from '../../descriptions/messageContent.description';
import type { DingTalkOperation } from '../node.type';
import * as addReaction from './addReaction.operation';
import * as recall from './recall.operation';
import * as removeReaction from './removeReaction.operation';
import * as reply from './reply.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as sendToGroup from './sendToGroup.operation';
import * as sendToUsers from './sendToUsers.operation';

export const operations: Record<string, DingTalkOperation> = {
	reply,
	sendAndWait,
	sendToUsers,
	sendToGroup,
	recall,
	addReaction,
	removeReaction,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Add Reaction',
				value: 'addReaction',
				action: 'Add a reaction to a message',
				description: "Put a text reaction (e.g. '🤔Thinking') on a user's message",
			},
			{
				name: 'Recall',
				value: 'recall',
				action: 'Recall messages',
				description: 'Withdraw messages the robot sent, by processQueryKey',
			},
			{
				name: 'Remove Reaction',
				value: 'removeReaction',
				action: 'Remove a reaction from a message',
				description: 'Take back a reaction the robot put on a message',
			},
			{
				name: 'Reply',
				value: 'reply',
				action: 'Reply to a message',
				description: 'Answer the conversation a DingTalk Trigger event came from',
			},
			{
				name: 'Send and Wait for Response',
				value: SEND_AND_WAIT_OPERATION,
				action: 'Send message and wait for response',
				description:
					'Send a message with buttons to users or a group and pause the workflow until someone responds',
			},
			{
				name: 'Send to Group',
				value: 'sendToGroup',
				action: 'Send a message to a group',
				description: 'Post in a group chat the robot belongs to',
			},
			{
				name: 'Send to Users',
				value: 'sendToUsers',
				action: 'Send a message to users',
				description: 'Notify any number of users one-to-one',
			},
		],
		default: 'reply',
	},
	...reply.description,
	...sendToUsers.description,
	...sendToGroup.description,
	...messageContentFields,
	...sendAndWait.description,
	...recall.description,
	...addReaction.description,
	...removeReaction.description,
];
