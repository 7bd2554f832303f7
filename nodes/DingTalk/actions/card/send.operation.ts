import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { cardDataFields } from '../../descriptions/cardData.description';
import { userLocator } from '../../descriptions/common';
import { readCardParamMap } from '../../helpers/cardData';
import { parseIdList } from '../../helpers/lists';
import { type DingTalkClient, DingTalkApiError } from '../../transport';

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
			{ name: 'User', value: 'user', description: 'The user\'s one-to-one chat with the robot' },
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
			{ displayName: 'Allow Forwarding', name: 'supportForward', type: 'boolean', default: true, description: 'Whether users may forward the card' },
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
					{ name: 'Stream', value: 'STREAM', description: 'Button clicks reach a DingTalk Trigger in Stream mode' },
					{ name: 'HTTP', value: 'HTTP', description: 'Button clicks reach a DingTalk Trigger in HTTP mode' },
					{ name: 'None', value: 'none', description: 'The card has no callbacks' },
				],
				default: 'STREAM',
			},
			{ displayName: 'Mention All', name: 'mentionAll', type: 'boolean', default: false, description: 'Whether to @mention everyone (group cards)' },
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
				description: 'Your own unique ID for this card, used to update or stream into it later. Left empty, one is generated and returned.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['card'], operation: ['send'] } }, properties);

interface DeliverResult {
	spaceType?: string;
	spaceId?: string;
	success?: boolean;
	errorMsg?: string;
	carrierId?: string;
}

export async function execute(this: IExecuteFunctions, client: DingTalkClient, i: number): Promise<IDataObject> {
	const cardTemplateId = String(this.getNodeParameter('cardTemplateId', i, '')).trim();
	if (!cardTemplateId) throw new NodeOperationError(this.getNode(), '"Card Template ID" is empty', { itemIndex: i });
	const target = this.getNodeParameter('target', i) as 'user' | 'group';
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const outTrackId = String(options.outTrackId ?? '').trim() || `n8n-${randomUUID()}`;
	const callbackType = (options.callbackType as string | undefined) ?? 'STREAM';
	const supportForward = options.supportForward !== false;

	const body: IDataObject = {
		cardTemplateId,
		outTrackId,
		cardData: { cardParamMap: readCardParamMap.call(this, i) },
		userIdType: 1,
		...(callbackType === 'none' ? {} : { callbackType }),
		...(callbackType === 'HTTP' && options.callbackRouteKey ? { callbackRouteKey: options.callbackRouteKey } : {}),
	};
	let spaceId: string;
	if (target === 'group') {
		spaceId = String(this.getNodeParameter('openConversationId', i, '')).trim();
		if (!spaceId) throw new NodeOperationError(this.getNode(), '"Open Conversation ID" is empty', { itemIndex: i });
		const atUserIds: IDataObject = {};
		// UNCONFIRMED: DingTalk documents the map as userId → nick; we have no nick, so the ID stands in.
		for (const id of parseIdList(options.mentionUserIds)) atUserIds[id] = id;
		if (options.mentionAll) atUserIds['@ALL'] = '@ALL';
		Object.assign(body, {
			openSpaceId: `dtv1.card//IM_GROUP.${spaceId}`,
			imGroupOpenSpaceModel: { supportForward },
			imGroupOpenDeliverModel: { robotCode: client.app.robotCode, ...(Object.keys(atUserIds).length ? { atUserIds } : {}) },
		});
	} else {
		spaceId = String(this.getNodeParameter('userId', i, '', { extractValue: true })).trim();
		if (!spaceId) throw new NodeOperationError(this.getNode(), '"User" is empty', { itemIndex: i });
		Object.assign(body, {
			openSpaceId: `dtv1.card//IM_ROBOT.${spaceId}`,
			imRobotOpenSpaceModel: { supportForward },
			imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: client.app.robotCode },
		});
	}
	const answer = await client.api<{ success?: boolean; result?: { outTrackId?: string; deliverResults?: DeliverResult[] } }>(
		'POST',
		'/v1.0/card/instances/createAndDeliver',
		body,
	);
	const deliverResults = answer.result?.deliverResults ?? [];
	const failures = deliverResults.filter((r) => r.success === false);
	if (deliverResults.length > 0 && failures.length === deliverResults.length) {
		throw new DingTalkApiError({
			code: 'cardNotDelivered',
			dingTalkMessage: `The card was created but not delivered to ${target} ${spaceId}: ${failures.map((f) => f.errorMsg).join('; ')}`,
			kind: target === 'user' ? 'userNotFound' : 'invalidRequest',
			endpoint: '/v1.0/card/instances/createAndDeliver',
		});
	}
	return { outTrackId: answer.result?.outTrackId ?? outTrackId, target, spaceId, delivered: failures.length === 0, deliverResults: deliverResults as IDataObject[] };
}
