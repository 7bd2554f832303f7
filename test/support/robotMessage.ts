import type { IDataObject } from 'n8n-workflow';

/** The Stream topic of robot messages. */
export const ROBOT_TOPIC = '/v1.0/im/bot/messages/get';

/** A robot message as the pipeline gets it: a direct chat from u1 unless `extra` says otherwise (`conversationType: '2'`: group). */
export const robotMessage = (msgId: string, extra: Record<string, unknown> = {}) => ({
	topic: ROBOT_TOPIC,
	messageId: `frame-${msgId}`,
	data: {
		msgId,
		conversationId: 'cid',
		conversationType: '1',
		senderStaffId: 'u1',
		senderId: 'sender-u1',
		chatbotUserId: 'bot',
		msgtype: 'text',
		text: { content: `text ${msgId}` },
		...extra,
	} as IDataObject,
});
