/**
 * What DingTalk calls the bot with, whatever carries it (a Stream frame or an HTTP request): the topics, and a
 * callback as both transports hand it on.
 */

export const TOPIC_ROBOT_MESSAGE = '/v1.0/im/bot/messages/get';
export const TOPIC_CARD_CALLBACK = '/v1.0/card/instances/callback';

export interface IncomingCallback {
	topic: string;
	messageId: string;
	data: Record<string, unknown>;
}
