import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { CardDelivery } from '../../api/cards';
import { DECISION_OUT_TRACK_PREFIX, isDecisionOutTrackId } from '../../crypto/decisionKey';
import { cardDataFields } from '../../descriptions/cardData.description';
import { readCardParamMap } from '../../helpers/cardData';
import { parseIdList } from '../../helpers/lists';
import type { DingTalkClient } from '../../transport';
import {
	asItems,
	callbackOptionFields,
	cardTargetFields,
	deliverCard,
	readCardSpace,
} from './delivery';

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
	...cardTargetFields,
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
			...callbackOptionFields('Button clicks', true),
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
	const { target, space, spaceId } = readCardSpace.call(this, i, {
		supportForward,
		mentionUserIds: parseIdList(options.mentionUserIds),
		mentionAll: Boolean(options.mentionAll),
	});
	const delivered = await deliverCard(
		client,
		{
			cardTemplateId,
			outTrackId,
			cardParamMap,
			callbackType: (options.callbackType as CardDelivery['callbackType'] | undefined) ?? 'STREAM',
			callbackRouteKey: options.callbackRouteKey as string | undefined,
			space,
		},
		{ target, spaceId },
	);
	return {
		outTrackId: delivered.outTrackId,
		target,
		spaceId,
		delivered: delivered.delivered,
		deliverResults: asItems(delivered.deliverResults),
	};
}
