import { apiError, ok } from './replies';
import type { FakeApp, FakeReply, FakeRequest, ReactionEvent } from './types';
import type { FakeDingTalk } from './FakeDingTalk';

type Body = Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * POST /v1.0/robot/emotion/reply and /recall: a text reaction on a user's message. The body follows DingTalk's
 * generated SDK models (RobotReplyEmotionRequest / RobotRecallEmotionRequest: robotCode, openMsgId and
 * openConversationId required; answer {success}). UNCONFIRMED: the error codes below (DingTalk's API reference does
 * not list this API; they follow its invalidParameter.<field>.<problem> pattern), that emotionType must be 2 with a
 * complete textEmotion, and what recalling a reaction that is not there answers (here: {success: false}).
 */
export function emotion(
	fake: FakeDingTalk,
	req: FakeRequest,
	app: FakeApp,
	action: 'added' | 'removed',
): FakeReply {
	const body = (req.body ?? {}) as Body;
	if (!body.robotCode)
		return apiError(400, 'invalidParameter.robotCode.empty', 'robotCode 不能为空');
	if (body.robotCode !== app.robotCode)
		return apiError(400, 'invalidParameter.robotCode.auth', 'robotCode 与应用不匹配');
	for (const field of ['openMsgId', 'openConversationId']) {
		if (!text(body[field]))
			return apiError(400, `invalidParameter.${field}.empty`, `${field} 不能为空`);
	}
	if (body.emotionType !== 2)
		return apiError(400, 'invalidParameter.emotionType.invalid', 'emotionType 不合法');
	const emotionBody = (
		typeof body.textEmotion === 'object' && body.textEmotion !== null ? body.textEmotion : {}
	) as Body;
	const missing = ['emotionId', 'emotionName', 'text', 'backgroundId'].filter(
		(field) => !text(emotionBody[field]),
	);
	if (missing.length)
		return apiError(
			400,
			'invalidParameter.textEmotion.invalid',
			`textEmotion 缺少字段 ${missing.join(',')}`,
		);
	const event: ReactionEvent = {
		action,
		openMsgId: text(body.openMsgId),
		openConversationId: text(body.openConversationId),
		text: text(emotionBody.text),
		emotionId: text(emotionBody.emotionId),
		backgroundId: text(emotionBody.backgroundId),
		at: Date.now(),
	};
	const present = fake.reactionsOn(event.openMsgId).includes(event.text);
	if (action === 'removed' && !present) return ok({ success: false });
	// Adding the same reaction twice leaves one on the message.
	if (action === 'added' && present) return ok({ success: true });
	fake.reactions.push(event);
	return ok({ success: true });
}
