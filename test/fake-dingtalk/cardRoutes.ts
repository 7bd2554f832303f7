import { randomBytes } from 'crypto';

import { apiError, ok } from './replies';
import type { FakeApp, FakeReply, FakeRequest } from './types';
import type { FakeDingTalk } from './FakeDingTalk';

type Body = Record<string, unknown>;

function paramMapProblem(map: unknown): string | undefined {
	if (typeof map !== 'object' || map === null || Array.isArray(map))
		return 'cardData.cardParamMap is required';
	const nonString = Object.entries(map).find(([, v]) => typeof v !== 'string');
	return nonString ? `cardParamMap.${nonString[0]} must be a string` : undefined;
}

/** privateData: per user ID `{ cardParamMap }` of strings (SDK: CreateAndDeliverRequest.privateData). */
function privateDataProblem(privateData: unknown): string | undefined {
	if (privateData === undefined) return undefined;
	if (typeof privateData !== 'object' || privateData === null || Array.isArray(privateData))
		return 'privateData must be an object';
	for (const [userId, value] of Object.entries(privateData)) {
		const problem = paramMapProblem((value as Body | null)?.cardParamMap);
		if (problem) return `privateData.${userId}: ${problem}`;
	}
	return undefined;
}

/** POST /v1.0/card/instances/createAndDeliver: one card, delivered to one robot chat or group. */
export function createAndDeliver(fake: FakeDingTalk, req: FakeRequest, app: FakeApp): FakeReply {
	const body = req.body as Body;
	if (!body.cardTemplateId)
		return apiError(400, 'invalidParameter.cardTemplateId.empty', 'cardTemplateId 不能为空');
	if (!body.outTrackId)
		return apiError(400, 'invalidParameter.outTrackId.empty', 'outTrackId 不能为空');
	const outTrackId = String(body.outTrackId);
	// UNCONFIRMED: the code DingTalk uses for a reused outTrackId.
	if (fake.cards.has(outTrackId))
		return apiError(400, 'invalidParameter.outTrackId.duplicated', 'outTrackId 已存在');
	const cardParamMap = (body.cardData as Body | undefined)?.cardParamMap;
	const problem = paramMapProblem(cardParamMap);
	if (problem) return apiError(400, 'invalidParameter.cardData.invalid', problem);
	const privateProblem = privateDataProblem(body.privateData);
	if (privateProblem) return apiError(400, 'invalidParameter.privateData.invalid', privateProblem);
	const openSpaceId = String(body.openSpaceId ?? '');
	const space = /^dtv1\.card\/\/(IM_GROUP|IM_ROBOT)\.(.+)$/.exec(openSpaceId);
	if (!space) return apiError(400, 'invalidParameter.openSpaceId.invalid', 'openSpaceId 格式错误');
	const [, spaceType, spaceId] = space;
	const deliverModel = (
		spaceType === 'IM_GROUP' ? body.imGroupOpenDeliverModel : body.imRobotOpenDeliverModel
	) as Body | undefined;
	if (!deliverModel)
		return apiError(
			400,
			'invalidParameter.deliverModel.empty',
			`${spaceType === 'IM_GROUP' ? 'imGroupOpenDeliverModel' : 'imRobotOpenDeliverModel'} 不能为空`,
		);
	if (deliverModel.robotCode !== undefined && deliverModel.robotCode !== app.robotCode) {
		return apiError(400, 'invalidParameter.robotCode.auth', 'robotCode 与应用不匹配');
	}
	const known =
		spaceType === 'IM_GROUP' ? fake.conversations.has(spaceId) : fake.users.has(spaceId);
	fake.cards.set(outTrackId, {
		cardTemplateId: String(body.cardTemplateId),
		cardData: { ...(cardParamMap as Record<string, string>) },
		privateData: body.privateData,
		clientId: app.clientId,
		openSpaceId,
		callbackType: body.callbackType as string | undefined,
		streams: [],
		fieldValues: {},
		finalized: false,
		failed: false,
	});
	return ok({
		success: true,
		result: {
			outTrackId,
			deliverResults: [
				{
					spaceType,
					spaceId,
					success: known,
					errorMsg: known
						? ''
						: spaceType === 'IM_GROUP'
							? 'group not found or robot not in group'
							: 'user not found',
					carrierId: known ? randomBytes(6).toString('hex') : '',
				},
			],
		},
	});
}

/** PUT /v1.0/card/instances: change variables, merging by key or replacing all. */
export function updateCard(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const body = req.body as Body;
	const card = fake.cards.get(String(body.outTrackId ?? ''));
	if (!card) return apiError(400, 'invalidParameter.outTrackId.notExist', '卡片实例不存在');
	const cardParamMap = (body.cardData as Body | undefined)?.cardParamMap;
	const problem = paramMapProblem(cardParamMap);
	if (problem) return apiError(400, 'invalidParameter.cardData.invalid', problem);
	const byKey = (body.cardUpdateOptions as Body | undefined)?.updateCardDataByKey === true;
	card.cardData = byKey
		? { ...card.cardData, ...(cardParamMap as Record<string, string>) }
		: { ...(cardParamMap as Record<string, string>) };
	if (body.privateData !== undefined) card.privateData = body.privateData;
	return ok({ success: true, result: true });
}

/** PUT /v1.0/card/streaming: append (isFull false) or replace one field; finalize or fail the card. */
export function streamCard(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const body = req.body as Body;
	const card = fake.cards.get(String(body.outTrackId ?? ''));
	if (!card) return apiError(400, 'invalidParameter.outTrackId.notExist', '卡片实例不存在');
	if (!body.key) return apiError(400, 'invalidParameter.key.empty', 'key 不能为空');
	if (!body.guid) return apiError(400, 'invalidParameter.guid.empty', 'guid 不能为空');
	const update = {
		key: String(body.key),
		content: String(body.content ?? ''),
		isFull: body.isFull === true,
		isFinalize: body.isFinalize === true,
		isError: body.isError === true,
		guid: String(body.guid),
	};
	card.streams.push(update);
	card.fieldValues[update.key] = update.isFull
		? update.content
		: (card.fieldValues[update.key] ?? '') + update.content;
	if (update.isFinalize) card.finalized = true;
	if (update.isError) card.failed = true;
	return ok({ success: true, result: true });
}
