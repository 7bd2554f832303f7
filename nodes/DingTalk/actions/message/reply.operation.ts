import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { replyBySessionWebhook } from '../../api/robot';
import { parseIdList } from '../../helpers/lists';
import {
	type Mentions,
	type MessageContent,
	sessionWebhookCarries,
	toRobotTemplate,
	toWebhookBody,
} from '../../helpers/messageContent';
import {
	dingTalkWebhookUrl,
	type ReplyTarget,
	replyTargetFromEvent,
	sessionWebhookUsable,
} from '../../helpers/replyTarget';
import { type DingTalkClient, DingTalkApiError } from '../../transport';
import { readOutgoingContent } from './media';
import { sendGroupMessage, sendUserMessages } from './send';

const properties: INodeProperties[] = [
	{
		displayName: 'Reply To Event',
		name: 'event',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description: 'The DingTalk Trigger event to answer. The default is the incoming item.',
		// A hint, not the description: n8n's description rule would upper-case the expression's `json`.
		hint: "When other nodes sit between the trigger and this node, use {{ $('DingTalk Trigger').item.json }}",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Reply Via',
				name: 'replyVia',
				type: 'options',
				options: [
					{
						name: 'Auto',
						value: 'auto',
						description:
							"The conversation's session webhook while it is valid, else the robot OpenAPI",
					},
					{
						name: 'Robot OpenAPI',
						value: 'openApi',
						description: 'Always the robot OpenAPI (returns a processQueryKey for recall)',
					},
				],
				default: 'auto',
			},
			{
				displayName: 'Mention Sender',
				name: 'mentionSender',
				type: 'boolean',
				default: false,
				description:
					'Whether to @mention the person who wrote the message (group chats, session webhook only)',
			},
			{
				displayName: 'Mention User IDs',
				name: 'mentionUserIds',
				type: 'string',
				default: '',
				description:
					'User IDs to @mention, separated by commas (group chats, session webhook only)',
			},
			{
				displayName: 'Mention All',
				name: 'mentionAll',
				type: 'boolean',
				default: false,
				description: 'Whether to @mention everyone in the group (session webhook only)',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['reply'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const event = this.getNodeParameter('event', i) as unknown;
	const parsed = typeof event === 'string' ? safeJson(event) : event;
	if (typeof parsed !== 'object' || parsed === null) {
		throw new NodeOperationError(
			this.getNode(),
			'"Reply To Event" must be a DingTalk Trigger event object',
			{ itemIndex: i },
		);
	}
	const target = replyTargetFromEvent(parsed as IDataObject);
	if (typeof target === 'string')
		throw new NodeOperationError(this.getNode(), target, { itemIndex: i });
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const content = await readOutgoingContent.call(this, client, i);
	const mentions: Mentions = {
		userIds: [
			...(options.mentionSender && target.conversationType === 'group' && target.senderStaffId
				? [target.senderStaffId]
				: []),
			...parseIdList(options.mentionUserIds),
		],
		all: Boolean(options.mentionAll),
	};
	mentions.userIds = [...new Set(mentions.userIds)];

	const byWebhook =
		options.replyVia !== 'openApi' &&
		sessionWebhookUsable(target) &&
		sessionWebhookCarries(content);
	if (byWebhook) {
		const webhook = dingTalkWebhookUrl(target.sessionWebhook as string, [
			client.app.legacyApiBaseUrl,
			client.app.apiBaseUrl,
		]);
		if (!webhook) {
			throw new NodeOperationError(
				this.getNode(),
				"The event's session webhook does not point to DingTalk",
				{
					itemIndex: i,
					description: `Its host is not the credential's Legacy API Base URL (${client.app.legacyApiBaseUrl}); nothing was sent.`,
				},
			);
		}
		try {
			await replyBySessionWebhook(client, webhook, toWebhookBody(content, mentions));
			return {
				via: 'sessionWebhook',
				conversationType: target.conversationType,
				conversationId: target.conversationId ?? null,
				mentionedUserIds: mentions.userIds,
			};
		} catch (error) {
			// DingTalk refused the webhook (expired early, revoked): the OpenAPI still reaches the conversation.
			// Network errors are not retried this way, since the reply may have arrived.
			const recoverable =
				error instanceof DingTalkApiError &&
				error.kind !== 'network' &&
				error.kind !== 'flowControl';
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the router turns it into a NodeApiError
			if (!recoverable) throw error;
		}
	}
	return await replyByOpenApi.call(this, client, i, target, content);
}

async function replyByOpenApi(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
	target: ReplyTarget,
	content: MessageContent,
): Promise<IDataObject> {
	const template = toRobotTemplate(content);
	if (target.conversationType === 'group') {
		if (!target.conversationId) {
			throw new NodeOperationError(
				this.getNode(),
				'The group event has no conversationId to reply to',
				{ itemIndex: i },
			);
		}
		const sent = await sendGroupMessage(client, target.conversationId, template);
		return {
			via: 'openApi',
			conversationType: 'group',
			conversationId: target.conversationId,
			processQueryKey: sent.processQueryKey,
		};
	}
	if (!target.senderStaffId) {
		throw new NodeOperationError(
			this.getNode(),
			'The direct-chat event has no senderStaffId to reply to',
			{
				itemIndex: i,
				description:
					'External (non-organisation) users can only be answered through the session webhook.',
			},
		);
	}
	const sent = await sendUserMessages(client, [target.senderStaffId], template);
	if (sent.invalidUserIds.length || sent.flowControlledUserIds.length) {
		throw new NodeOperationError(
			this.getNode(),
			`DingTalk did not deliver the reply to ${target.senderStaffId}`,
			{
				itemIndex: i,
				description: sent.invalidUserIds.length
					? "The user is unknown or outside the app's visible range."
					: 'The user is flow-controlled by DingTalk right now; try again later.',
			},
		);
	}
	return {
		via: 'openApi',
		conversationType: 'direct',
		conversationId: target.conversationId ?? null,
		userId: target.senderStaffId,
		processQueryKey: sent.processQueryKeys[0],
	};
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
