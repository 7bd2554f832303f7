import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	type CardDelivery,
	type CardSpace,
	createAndDeliverCard,
	CREATE_AND_DELIVER_PATH,
} from '../../api/cards';
import { DECISION_OUT_TRACK_PREFIX, isDecisionOutTrackId } from '../../crypto/decisionKey';
import { cardDataFields } from '../../descriptions/cardData.description';
import { userLocator } from '../../descriptions/common';
import { readCardParamMap } from '../../helpers/cardData';
import { parseIdList } from '../../helpers/lists';
import { type DingTalkClient, DingTalkApiError } from '../../transport';

import { requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Card Template ID',
		name: 'cardTemplateId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.schema',
		hint: 'DingTalk Card Platform (卡片平台, open-dev.dingtalk.com/fe/card) → your template → Template ID',
	},
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
	{
		displayName: 'Open Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'cidXXXXXXXX==',
		displayOptions: { show: { target: ['group'] } },
	},
	...cardDataFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allow Forwarding',
				name: 'supportForward',
				type: 'boolean',
				default: true,
				description: 'Whether users may forward the card',
			},
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
						description: 'Button clicks reach a DingTalk Trigger in Stream mode',
					},
					{
						name: 'HTTP',
						value: 'HTTP',
						description: 'Button clicks reach a DingTalk Trigger in HTTP mode',
					},
					{ name: 'None', value: 'none', description: 'The card has no callbacks' },
				],
				default: 'STREAM',
			},
			{
				displayName: 'Mention All',
				name: 'mentionAll',
				type: 'boolean',
				default: false,
				description: 'Whether to @mention everyone (group cards)',
			},
			{
				displayName: 'Mention User IDs',
				name: 'mentionUserIds',
				type: 'string',
				default: '',
				description: 'Group cards: user IDs to @mention, separated by commas',
			},
			{
				displayName: 'Out Track ID',
				name: 'outTrackId',
				type: 'string',
				default: '',
				description:
					'Your own unique ID for this card, used to update or stream into it later. Left empty, one is generated and returned. IDs starting with "decision-" are reserved for Send Decision Card.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['card'], operation: ['send'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const cardTemplateId = requiredString(this, 'cardTemplateId', i, 'Card Template ID');
	const target = this.getNodeParameter('target', i) as 'user' | 'group';
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const outTrackId = String(options.outTrackId ?? '').trim() || `n8n-${randomUUID()}`;
	// The trigger would refuse every click on such a card as an unsigned decision.
	if (isDecisionOutTrackId(outTrackId))
		throw new NodeOperationError(
			this.getNode(),
			`"Out Track ID" may not start with "${DECISION_OUT_TRACK_PREFIX}": that prefix marks decision cards (Card → Send Decision Card), whose clicks the DingTalk Trigger decides itself`,
			{ itemIndex: i },
		);
	const supportForward = options.supportForward !== false;
	// Read before the recipient: a bad variable is the error reported first.
	const cardParamMap = readCardParamMap.call(this, i);
	const space: CardSpace =
		target === 'group'
			? {
					type: 'group',
					openConversationId: requiredString(this, 'openConversationId', i, 'Open Conversation ID'),
					supportForward,
					mentionUserIds: parseIdList(options.mentionUserIds),
					mentionAll: Boolean(options.mentionAll),
				}
			: {
					type: 'user',
					userId: requiredString(this, 'userId', i, 'User', { extractValue: true }),
					supportForward,
				};
	const spaceId = space.type === 'group' ? space.openConversationId : space.userId;
	const answer = await createAndDeliverCard(client, {
		cardTemplateId,
		outTrackId,
		cardParamMap,
		callbackType: (options.callbackType as CardDelivery['callbackType'] | undefined) ?? 'STREAM',
		callbackRouteKey: options.callbackRouteKey as string | undefined,
		space,
	});
	const deliverResults = answer.result?.deliverResults ?? [];
	const failures = deliverResults.filter((r) => r.success === false);
	if (deliverResults.length > 0 && failures.length === deliverResults.length) {
		throw new DingTalkApiError({
			code: 'cardNotDelivered',
			dingTalkMessage: `The card was created but not delivered to ${target} ${spaceId}: ${failures.map((f) => f.errorMsg).join('; ')}`,
			kind: target === 'user' ? 'userNotFound' : 'invalidRequest',
			endpoint: CREATE_AND_DELIVER_PATH,
		});
	}
	return {
		outTrackId: answer.result?.outTrackId ?? outTrackId,
		target,
		spaceId,
		delivered: failures.length === 0,
		deliverResults: deliverResults as IDataObject[],
	};
}
