import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	type CardDelivery,
	type CardSpace,
	createAndDeliverCard,
	CREATE_AND_DELIVER_PATH,
	type DeliverResult,
} from '../../api/cards';
import { userLocator } from '../../descriptions/common';
import { openConversationIdField } from '../message/targets';
import { type DingTalkClient, DingTalkApiError } from '../../transport';

import { requiredString } from '../../../shared/parameters';

/** Where a new card goes: a user's chat with the robot, or a group (Card → Send and Send Decision Card). */
export const cardTargetFields: INodeProperties[] = [
	{
		displayName: 'Send To',
		name: 'target',
		type: 'options',
		options: [
			{ name: 'User', value: 'user', description: "The user's one-to-one chat with the robot" },
			{ name: 'Group', value: 'group', description: 'A group chat the robot belongs to' },
		],
		default: 'user',
	},
	userLocator({ name: 'userId', displayOptions: { show: { target: ['user'] } } }),
	{ ...openConversationIdField, displayOptions: { show: { target: ['group'] } } },
];

/** The card's callback options; `withNone` for cards that may have no buttons at all. */
export function callbackOptionFields(clicks: string, withNone: boolean): INodeProperties[] {
	return [
		{
			displayName: 'Callback Route Key',
			name: 'callbackRouteKey',
			type: 'string',
			default: '',
			description: 'For HTTP callbacks: the route key registered for your callback URL',
		},
		{
			displayName: 'Callback Type',
			name: 'callbackType',
			type: 'options',
			options: [
				{
					name: 'Stream',
					value: 'STREAM',
					description: `${clicks} reach a DingTalk Trigger in Stream mode`,
				},
				{
					name: 'HTTP',
					value: 'HTTP',
					description: `${clicks} reach a DingTalk Trigger in HTTP mode`,
				},
				...(withNone
					? [{ name: 'None', value: 'none', description: 'The card has no callbacks' }]
					: []),
			],
			default: 'STREAM',
		},
	];
}

/** Reads Send To and its recipient into the space DingTalk delivers to. */
export function readCardSpace(
	this: IExecuteFunctions,
	i: number,
	settings: { supportForward: boolean; mentionUserIds?: string[]; mentionAll?: boolean },
): { target: 'user' | 'group'; space: CardSpace; spaceId: string } {
	const target = this.getNodeParameter('target', i) as 'user' | 'group';
	if (target === 'group') {
		const openConversationId = requiredString(
			this,
			'openConversationId',
			i,
			'Open Conversation ID',
		);
		return {
			target,
			spaceId: openConversationId,
			space: {
				type: 'group',
				openConversationId,
				supportForward: settings.supportForward,
				mentionUserIds: settings.mentionUserIds ?? [],
				mentionAll: settings.mentionAll ?? false,
			},
		};
	}
	const userId = requiredString(this, 'userId', i, 'User', { extractValue: true });
	return {
		target,
		spaceId: userId,
		space: { type: 'user', userId, supportForward: settings.supportForward },
	};
}

/**
 * Creates and delivers the card; a card created but delivered nowhere is an error naming the recipient (a user outside
 * the visible range, a group without the robot), since nobody would ever see it.
 */
export async function deliverCard(
	client: DingTalkClient,
	delivery: CardDelivery,
	recipient: { target: 'user' | 'group'; spaceId: string },
): Promise<{ outTrackId: string; deliverResults: DeliverResult[]; delivered: boolean }> {
	const answer = await createAndDeliverCard(client, delivery);
	const deliverResults = answer.result?.deliverResults ?? [];
	const failures = deliverResults.filter((r) => r.success === false);
	if (deliverResults.length > 0 && failures.length === deliverResults.length) {
		throw new DingTalkApiError({
			code: 'cardNotDelivered',
			dingTalkMessage: `The card was created but not delivered to ${recipient.target} ${recipient.spaceId}: ${failures.map((f) => f.errorMsg).join('; ')}`,
			kind: recipient.target === 'user' ? 'userNotFound' : 'invalidRequest',
			endpoint: CREATE_AND_DELIVER_PATH,
		});
	}
	return {
		outTrackId: answer.result?.outTrackId ?? delivery.outTrackId,
		deliverResults,
		delivered: failures.length === 0,
	};
}

export const asItems = (results: DeliverResult[]): IDataObject[] => results as IDataObject[];
