import { randomBytes } from 'crypto';

import type { FakeDingTalk } from './FakeDingTalk';
import { type QuoteOptions, withQuote } from './quotes';

export const FAKE_CHATBOT_USER_ID = '$:LWCP_v1:$fakeChatbotUserId==';

export interface RobotMessageOptions {
	text: string;
	senderStaffId: string;
	/** Group chat (default: direct chat). */
	group?: boolean;
	mention?: boolean;
	msgId?: string;
	conversationId?: string;
	/** The earlier message this one replies to (quotes), in the shape DingTalk sends it. */
	quote?: QuoteOptions;
}

/**
 * A robot message payload as DingTalk pushes it on `/v1.0/im/bot/messages/get` (fields per the protocol notes),
 * with a working session webhook on this fake.
 */
export function robotMessage(
	fake: FakeDingTalk,
	opts: RobotMessageOptions,
): Record<string, unknown> {
	const groupConversation = [...fake.conversations.values()][0];
	const conversationId =
		opts.conversationId ??
		(opts.group ? groupConversation.openConversationId : `cidDirect${opts.senderStaffId}==`);
	const webhook = fake.createSessionWebhook({
		conversationType: opts.group ? '2' : '1',
		conversationId,
		userId: opts.senderStaffId,
	});
	const app = fake.apps[0];
	const payload = {
		conversationId,
		atUsers: opts.mention ? [{ dingtalkId: FAKE_CHATBOT_USER_ID }] : [],
		chatbotCorpId: app.corpId ?? 'dingfakecorp',
		chatbotUserId: FAKE_CHATBOT_USER_ID,
		msgId: opts.msgId ?? `msg${randomBytes(8).toString('hex')}==`,
		senderNick: fake.users.get(opts.senderStaffId)?.name ?? opts.senderStaffId,
		isAdmin: Boolean(fake.users.get(opts.senderStaffId)?.admin),
		senderStaffId: opts.senderStaffId,
		sessionWebhookExpiredTime: webhook.sessionWebhookExpiredTime,
		createAt: Date.now(),
		senderCorpId: app.corpId ?? 'dingfakecorp',
		conversationType: opts.group ? '2' : '1',
		senderId: `$:LWCP_v1:$${opts.senderStaffId}`,
		...(opts.group ? { conversationTitle: groupConversation.title } : {}),
		isInAtList: Boolean(opts.mention),
		sessionWebhook: webhook.sessionWebhook,
		text: { content: opts.mention ? ` ${opts.text}` : opts.text },
		robotCode: app.robotCode,
		msgtype: 'text',
	};
	return opts.quote ? withQuote(payload, opts.quote) : payload;
}
