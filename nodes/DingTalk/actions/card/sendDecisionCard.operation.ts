import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { CardParamMap } from '../../api/cards';
import { DECISION_LIMITS, DECISION_OUT_TRACK_PREFIX, DecisionKeys } from '../../crypto/decisionKey';
import { readJsonObject } from '../../helpers/messageContent';
import { parseIdList } from '../../helpers/lists';
import type { DingTalkClient } from '../../transport';
import {
	asItems,
	callbackOptionFields,
	cardTargetFields,
	deliverCard,
	readCardSpace,
} from './delivery';

import { requiredList, requiredString } from '../../../shared/parameters';

/** Private data is one map entry per approver; DingTalk documents no bound, so the node sets one. */
const MAX_APPROVERS = 100;

const properties: INodeProperties[] = [
	{
		displayName:
			'Sends a card with Approve and Refuse buttons that only the listed approvers can use. A DingTalk Trigger ' +
			'(Card Callback event) on the same credential receives the click, names who decided and refuses ' +
			'everyone else. The card template must be built once in DingTalk: see "Decision cards" in the README. ' +
			'发送带“同意”“拒绝”按钮的卡片，只有指定的审批人可以处理；同一凭证的 DingTalk Trigger（Card Callback 事件）' +
			'接收点击并记录处理人，其他人的点击不生效。卡片模板需先在钉钉卡片平台创建一次，见 README 的 “Decision cards” 一节。',
		name: 'decisionCardNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Card Template ID',
		name: 'cardTemplateId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.schema',
		hint: 'DingTalk Card Platform (卡片平台, open-dev.dingtalk.com/fe/card) → your decision template → Template ID',
	},
	...cardTargetFields,
	{
		displayName: 'Approver User IDs',
		name: 'approverUserIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'manager4220, 0123456789',
		description:
			'User IDs of the people who may decide, separated by commas; a click by anyone else changes nothing',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		required: true,
		description: "The card's title (template variable title)",
	},
	{
		displayName: 'Summary',
		name: 'summary',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'What is to be decided, in Markdown (template variable summary)',
	},
	{
		displayName: 'Context',
		name: 'context',
		type: 'json',
		default: '{}',
		description:
			'A JSON object handed to the run the decision starts (its decision.context), e.g. {"processInstanceId": "…", "taskId": "…"}',
	},
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
				default: false,
				description:
					'Whether users may forward the card (a forwarded card still lets only the listed approvers decide)',
			},
			...callbackOptionFields('Clicks', false),
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['card'], operation: ['sendDecisionCard'] } },
	properties,
);

/**
 * Public card data: title, summary, context (the JSON text the keys are bound to), decided "false", statusText "".
 * Private data: each approver's decisionKey (crypto/decisionKey.ts). UNCONFIRMED: how DingTalk fills a button's
 * `${decisionKey}` parameter from the clicker's private data (README "Decision cards").
 */
export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const cardTemplateId = requiredString(this, 'cardTemplateId', i, 'Card Template ID');
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const approverUserIds = requiredList(
		this,
		'approverUserIds',
		i,
		'Approver User IDs',
		parseIdList,
	);
	const refuse = (message: string) =>
		new NodeOperationError(this.getNode(), message, { itemIndex: i });
	if (approverUserIds.length > MAX_APPROVERS)
		throw refuse(
			`"Approver User IDs" lists ${approverUserIds.length} users; at most ${MAX_APPROVERS}`,
		);
	const tooLong = approverUserIds.find((id) => id.length > DECISION_LIMITS.userId);
	if (tooLong !== undefined)
		throw refuse(
			`"Approver User IDs": a user ID is longer than ${DECISION_LIMITS.userId} characters`,
		);
	const title = requiredString(this, 'title', i, 'Title');
	const summary = String(this.getNodeParameter('summary', i, '') ?? '');
	const contextJson = JSON.stringify(readJsonObject.call(this, i, 'context', 'Context'));
	if (contextJson.length > DECISION_LIMITS.context)
		throw refuse(
			`"Context" is ${contextJson.length} characters as JSON; at most ${DECISION_LIMITS.context}`,
		);

	const outTrackId = `${DECISION_OUT_TRACK_PREFIX}${randomUUID()}`;
	const keys = new DecisionKeys(client.app.clientSecret);
	const privateData: Record<string, { cardParamMap: CardParamMap }> = {};
	for (const userId of approverUserIds)
		privateData[userId] = {
			cardParamMap: { decisionKey: keys.keyFor(outTrackId, userId, contextJson) },
		};
	const supportForward = options.supportForward === true;
	const { target, space, spaceId } = readCardSpace.call(this, i, { supportForward });
	const delivered = await deliverCard(
		client,
		{
			cardTemplateId,
			outTrackId,
			cardParamMap: { title, summary, context: contextJson, decided: 'false', statusText: '' },
			privateData,
			callbackType: options.callbackType === 'HTTP' ? 'HTTP' : 'STREAM',
			callbackRouteKey: options.callbackRouteKey as string | undefined,
			space,
		},
		{ target, spaceId },
	);
	return {
		outTrackId: delivered.outTrackId,
		approverUserIds,
		deliverResults: asItems(delivered.deliverResults),
	};
}
