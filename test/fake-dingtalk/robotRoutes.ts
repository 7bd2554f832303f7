import { randomBytes } from 'crypto';

import { apiError, legacyError, ok } from './replies';
import type { FakeApp, FakeReply, FakeRequest } from './types';
import type { FakeDingTalk } from './FakeDingTalk';

/** Fields each msgKey's msgParam needs (DingTalk's message template table). */
const TEMPLATE_FIELDS: Record<string, string[]> = {
	sampleText: ['content'],
	sampleMarkdown: ['title', 'text'],
	sampleImageMsg: ['photoURL'],
	sampleLink: ['text', 'title', 'messageUrl'],
	sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
	sampleActionCard2: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2'],
	sampleActionCard3: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle3', 'actionURL3'],
	sampleActionCard4: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle4', 'actionURL4'],
	sampleActionCard5: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle5', 'actionURL5'],
	sampleActionCard6: ['title', 'text', 'buttonTitle1', 'buttonUrl1', 'buttonTitle2', 'buttonUrl2'],
	sampleAudio: ['mediaId', 'duration'],
	sampleFile: ['mediaId', 'fileName', 'fileType'],
	sampleVideo: ['duration', 'videoMediaId', 'videoType', 'picMediaId'],
};
const MAX_USERS_PER_SEND = 20;
const MAX_KEYS_PER_RECALL = 20;
const MAX_GROUP_MSG_PARAM_BYTES = 15_000;

type Body = Record<string, unknown>;
const processQueryKey = () =>
	randomBytes(12)
		.toString('base64')
		.replace(/[^a-zA-Z0-9]/g, '') + '=';

/** Shared checks of robotCode, msgKey and msgParam, with DingTalk's own codes. */
function checkTemplate(
	app: FakeApp,
	body: Body,
): FakeReply | { msgParam: Record<string, unknown> } {
	if (!body.robotCode)
		return apiError(400, 'invalidParameter.robotCode.empty', 'robotCode 不能为空');
	if (body.robotCode !== app.robotCode)
		return apiError(400, 'invalidParameter.robotCode.auth', 'robotCode 与应用不匹配');
	if (!body.msgKey) return apiError(400, 'invalidParameter.msgKey.empty', 'msgKey 不能为空');
	const fields = TEMPLATE_FIELDS[String(body.msgKey)];
	if (!fields)
		return apiError(400, 'invalidParameter.msgKey.invalid', `msgKey ${String(body.msgKey)} 不存在`);
	if (typeof body.msgParam !== 'string')
		return apiError(400, 'invalidParameter.msgParam.invalid', 'msgParam must be JSON');
	let msgParam: unknown;
	try {
		msgParam = JSON.parse(body.msgParam);
	} catch {
		return apiError(400, 'invalidParameter.msgParam.invalid', 'msgParam must be JSON');
	}
	if (typeof msgParam !== 'object' || msgParam === null || Array.isArray(msgParam)) {
		return apiError(400, 'invalidParameter.msgParam.invalid', 'msgParam must be JSON');
	}
	const missing = fields.filter((f) => (msgParam as Record<string, unknown>)[f] === undefined);
	if (missing.length)
		return apiError(
			400,
			'invalidParameter.msgParam.invalid',
			`msgParam 缺少字段 ${missing.join(',')}`,
		);
	return { msgParam: msgParam as Record<string, unknown> };
}

export function batchSendToUsers(fake: FakeDingTalk, req: FakeRequest, app: FakeApp): FakeReply {
	const body = req.body as Body;
	const checked = checkTemplate(app, body);
	if ('status' in checked) return checked;
	const userIds = Array.isArray(body.userIds) ? body.userIds.map(String) : [];
	if (userIds.length === 0)
		return apiError(400, 'invalidParameter.userIds.empty', 'userIds 不能为空');
	if (userIds.length > MAX_USERS_PER_SEND)
		return apiError(
			400,
			'invalidParameter.userIds.overMax',
			`userIds 超过最大值 ${MAX_USERS_PER_SEND}`,
		);
	const invalid = userIds.filter((id) => !fake.users.has(id));
	const flowControlled = userIds.filter(
		(id) => fake.users.has(id) && fake.flowControlledUserIds.has(id),
	);
	const delivered = userIds.filter((id) => !invalid.includes(id) && !flowControlled.includes(id));
	const key = processQueryKey();
	if (delivered.length) {
		fake.sentMessages.push({
			channel: 'oto',
			processQueryKey: key,
			robotCode: String(body.robotCode),
			userIds: delivered,
			msgKey: String(body.msgKey),
			msgParam: checked.msgParam,
			at: Date.now(),
		});
	}
	return ok({
		processQueryKey: key,
		invalidStaffIdList: invalid,
		flowControlledStaffIdList: flowControlled,
	});
}

export function sendToGroup(fake: FakeDingTalk, req: FakeRequest, app: FakeApp): FakeReply {
	const body = req.body as Body;
	const checked = checkTemplate(app, body);
	if ('status' in checked) return checked;
	// UNCONFIRMED: the codes for an oversized message and an unknown group are plausible, not documented.
	if (Buffer.byteLength(String(body.msgParam), 'utf8') > MAX_GROUP_MSG_PARAM_BYTES) {
		return apiError(400, 'invalidParameter.msgParam.overMax', 'msgParam 超过 15000 字节');
	}
	const group = fake.conversations.get(String(body.openConversationId ?? ''));
	if (!group)
		return apiError(
			400,
			'invalidParameter.openConversationId.invalid',
			'群会话不存在或机器人不在群内',
		);
	const key = processQueryKey();
	fake.sentMessages.push({
		channel: 'group',
		processQueryKey: key,
		robotCode: String(body.robotCode),
		openConversationId: group.openConversationId,
		msgKey: String(body.msgKey),
		msgParam: checked.msgParam,
		at: Date.now(),
	});
	return ok({ processQueryKey: key });
}

export function recall(
	fake: FakeDingTalk,
	req: FakeRequest,
	app: FakeApp,
	channel: 'oto' | 'group',
): FakeReply {
	const body = req.body as Body;
	if (!body.robotCode)
		return apiError(400, 'invalidParameter.robotCode.empty', 'robotCode 不能为空');
	if (body.robotCode !== app.robotCode)
		return apiError(400, 'invalidParameter.robotCode.auth', 'robotCode 与应用不匹配');
	const keys = Array.isArray(body.processQueryKeys) ? body.processQueryKeys.map(String) : [];
	if (keys.length === 0)
		return apiError(400, 'invalidParameter.processQueryKeys.empty', 'processQueryKeys 不能为空');
	if (keys.length > MAX_KEYS_PER_RECALL)
		return apiError(
			400,
			'invalidParameter.processQueryKeys.overMax',
			'processQueryKeys 超过最大值 20',
		);
	if (channel === 'group' && !fake.conversations.has(String(body.openConversationId ?? ''))) {
		return apiError(400, 'invalidParameter.openConversationId.invalid', '群会话不存在');
	}
	const successResult: string[] = [];
	const failedResult: Record<string, string> = {};
	for (const key of keys) {
		const message = fake.sentMessages.find(
			(m) =>
				m.processQueryKey === key &&
				m.channel === channel &&
				(channel === 'oto' || m.openConversationId === body.openConversationId),
		);
		if (!message) failedResult[key] = 'message not found';
		else if (message.recalled) failedResult[key] = 'message already recalled';
		else {
			message.recalled = true;
			successResult.push(key);
		}
	}
	return ok({ successResult, failedResult });
}

/** A conversation's session webhook: no token, the `session` query is the credential. Bodies per msgtype. */
export function sendBySession(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const session = fake.sessions.get(req.query.session ?? '');
	// UNCONFIRMED: DingTalk's answer for an unknown or expired session; 300005 is what its webhooks use for bad tokens.
	if (!session || session.expiresAt < Date.now()) return legacyError(300005, 'token is not exist');
	const body = (req.body ?? {}) as Body;
	const problem = sessionBodyProblem(body);
	if (problem) return legacyError(40035, `缺少参数 ${problem}`);
	fake.sentMessages.push({
		channel: 'session',
		openConversationId: session.conversationType === '2' ? session.conversationId : undefined,
		userIds: session.userId ? [session.userId] : undefined,
		body,
		at: Date.now(),
	});
	return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
}

function sessionBodyProblem(body: Body): string | undefined {
	const part = (name: string) => (body[name] ?? {}) as Record<string, unknown>;
	switch (body.msgtype) {
		case 'text':
			return part('text').content ? undefined : 'text.content';
		case 'markdown':
			return part('markdown').title && part('markdown').text ? undefined : 'markdown.title/text';
		case 'actionCard': {
			const card = part('actionCard');
			if (!card.title || !card.text) return 'actionCard.title/text';
			const single = card.singleTitle && card.singleURL;
			const buttons = Array.isArray(card.btns) && card.btns.length > 0;
			return single || buttons ? undefined : 'actionCard.singleTitle/btns';
		}
		case 'link':
			return part('link').title && part('link').text && part('link').messageUrl
				? undefined
				: 'link.title/text/messageUrl';
		case 'feedCard':
			return Array.isArray(part('feedCard').links) ? undefined : 'feedCard.links';
		default:
			return 'msgtype';
	}
}
