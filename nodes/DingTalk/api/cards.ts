import type { DingTalkClient } from '../transport';
import type { CallOptions } from '../transport/DingTalkClient';

/**
 * Interactive cards (new OpenAPI, api.dingtalk.com/v1.0/card): create and deliver from a template, update its
 * variables, stream into an AI card's field, and the answer to a card callback (sent in the callback's ACK).
 * Card variables are strings only (cardParamMap); user IDs are staff userIds (userIdType 1).
 */

export const CREATE_AND_DELIVER_PATH = '/v1.0/card/instances/createAndDeliver';

export type CardParamMap = Record<string, string>;

/** Where a card goes: a user's one-to-one chat with the robot, or a group the robot is in. */
export type CardSpace =
	| { type: 'user'; userId: string; supportForward: boolean }
	| {
			type: 'group';
			openConversationId: string;
			supportForward: boolean;
			mentionUserIds: string[];
			mentionAll: boolean;
	  };

export interface CardDelivery {
	cardTemplateId: string;
	outTrackId: string;
	cardParamMap: CardParamMap;
	/** How button clicks come back; 'none' sends no callbackType. */
	callbackType: 'STREAM' | 'HTTP' | 'none';
	/** HTTP callbacks only: the route key registered for the callback URL. */
	callbackRouteKey?: string;
	space: CardSpace;
	/** Per user ID, variables only that user sees (confirmed: CreateAndDeliverRequest.privateData in the SDK). */
	privateData?: Record<string, { cardParamMap: CardParamMap }>;
}

/** POST /v1.0/card/instances/createAndDeliver, as sent. */
export interface CreateAndDeliverRequest {
	cardTemplateId: string;
	outTrackId: string;
	cardData: { cardParamMap: CardParamMap };
	userIdType: 1;
	callbackType?: 'STREAM' | 'HTTP';
	callbackRouteKey?: string;
	openSpaceId: string;
	imGroupOpenSpaceModel?: { supportForward: boolean };
	imGroupOpenDeliverModel?: { robotCode: string; atUserIds?: Record<string, string> };
	imRobotOpenSpaceModel?: { supportForward: boolean };
	imRobotOpenDeliverModel?: { spaceType: 'IM_ROBOT'; robotCode: string };
	privateData?: Record<string, { cardParamMap: CardParamMap }>;
}

export interface DeliverResult {
	spaceType?: string;
	spaceId?: string;
	success?: boolean;
	errorMsg?: string;
	carrierId?: string;
}

export interface CreateAndDeliverResponse {
	success?: boolean;
	result?: { outTrackId?: string; deliverResults?: DeliverResult[] };
}

/** PUT /v1.0/card/instances */
export interface UpdateCardRequest {
	outTrackId: string;
	cardData: { cardParamMap: CardParamMap };
	cardUpdateOptions: { updateCardDataByKey: boolean; updatePrivateDataByKey: boolean };
	userIdType: 1;
}

/** PUT /v1.0/card/streaming: one update of an AI card's field; `guid` makes each update unique. */
export interface CardStreamingRequest {
	outTrackId: string;
	/** The card variable to write (an AI card's text field, usually `content`). */
	key: string;
	content: string;
	/** Replace the field's text (true) or append to it (false). */
	isFull: boolean;
	isFinalize: boolean;
	isError: boolean;
	guid: string;
}

/**
 * The answer to a card callback: what the clicked card changes to, without another API call. `cardData` is what
 * every viewer sees; `userPrivateData` only the clicker (protocol notes §2.2; not in DingTalk's SDK models).
 */
export interface CardCallbackAnswer {
	cardData?: { cardParamMap: CardParamMap };
	userPrivateData?: { cardParamMap: CardParamMap };
	cardUpdateOptions: { updateCardDataByKey: boolean; updatePrivateDataByKey?: boolean };
}

type DeliveryTarget = Pick<
	CreateAndDeliverRequest,
	| 'openSpaceId'
	| 'imGroupOpenSpaceModel'
	| 'imGroupOpenDeliverModel'
	| 'imRobotOpenSpaceModel'
	| 'imRobotOpenDeliverModel'
>;

function deliveryTarget(client: DingTalkClient, space: CardSpace): DeliveryTarget {
	if (space.type === 'group') {
		const atUserIds: Record<string, string> = {};
		// UNCONFIRMED: DingTalk documents the map as userId → nick; we have no nick, so the ID stands in.
		for (const id of space.mentionUserIds) atUserIds[id] = id;
		if (space.mentionAll) atUserIds['@ALL'] = '@ALL';
		return {
			openSpaceId: `dtv1.card//IM_GROUP.${space.openConversationId}`,
			imGroupOpenSpaceModel: { supportForward: space.supportForward },
			imGroupOpenDeliverModel: {
				robotCode: client.app.robotCode,
				...(Object.keys(atUserIds).length ? { atUserIds } : {}),
			},
		};
	}
	return {
		openSpaceId: `dtv1.card//IM_ROBOT.${space.userId}`,
		imRobotOpenSpaceModel: { supportForward: space.supportForward },
		imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: client.app.robotCode },
	};
}

export async function createAndDeliverCard(
	client: DingTalkClient,
	delivery: CardDelivery,
): Promise<CreateAndDeliverResponse> {
	const { callbackType, callbackRouteKey } = delivery;
	const request: CreateAndDeliverRequest = {
		cardTemplateId: delivery.cardTemplateId,
		outTrackId: delivery.outTrackId,
		cardData: { cardParamMap: delivery.cardParamMap },
		userIdType: 1,
		...(callbackType === 'none' ? {} : { callbackType }),
		...(callbackType === 'HTTP' && callbackRouteKey ? { callbackRouteKey } : {}),
		...deliveryTarget(client, delivery.space),
		...(delivery.privateData ? { privateData: delivery.privateData } : {}),
	};
	return await client.api<CreateAndDeliverResponse>('POST', CREATE_AND_DELIVER_PATH, request);
}

/** Changes a sent card's variables: only the given ones (byKey) or all of them. */
export async function updateCard(
	client: DingTalkClient,
	outTrackId: string,
	cardParamMap: CardParamMap,
	updateCardDataByKey: boolean,
	options: CallOptions = {},
): Promise<void> {
	const request: UpdateCardRequest = {
		outTrackId,
		cardData: { cardParamMap },
		cardUpdateOptions: { updateCardDataByKey, updatePrivateDataByKey: true },
		userIdType: 1,
	};
	// Setting the same keys again changes nothing: safe to repeat.
	await client.api('PUT', '/v1.0/card/instances', request, { idempotent: true, ...options });
}

/** UNCONFIRMED: DingTalk reads isFull=false as "append" (the Python SDK does the same). */
export async function streamCard(
	client: DingTalkClient,
	request: CardStreamingRequest,
	options: CallOptions = {},
): Promise<void> {
	// A full content update is safe to repeat; an appended piece is not (it would show twice).
	await client.api('PUT', '/v1.0/card/streaming', request, {
		idempotent: request.isFull === true,
		...options,
	});
}

export function cardCallbackAnswer(
	cardParamMap: CardParamMap,
	updateCardDataByKey: boolean,
): CardCallbackAnswer {
	return { cardData: { cardParamMap }, cardUpdateOptions: { updateCardDataByKey } };
}

const standInAnswers = new WeakSet<object>();

/**
 * Marks an answer a trigger gives in place of its run (a decided decision card, when the run did not answer the
 * click itself). One click reaches every workflow listening to card callbacks: a run that answered must not be
 * overwritten by another workflow's stand-in.
 */
export function asStandInAnswer<T extends object>(answer: T): T {
	standInAnswers.add(answer);
	return answer;
}

export function isStandInAnswer(answer: unknown): boolean {
	return typeof answer === 'object' && answer !== null && standInAnswers.has(answer);
}
