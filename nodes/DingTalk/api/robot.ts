import type { IDataObject } from 'n8n-workflow';

import type { DingTalkClient } from '../transport';

/**
 * The robot's messages (new OpenAPI, api.dingtalk.com/v1.0/robot): send to users or a group, recall, and the reply
 * through a conversation's session webhook. The robot code is the credential's.
 */

/** A robot message template: DingTalk's msgKey (sampleText, sampleMarkdown, …) and its msgParam as JSON text. */
export interface RobotTemplate {
	msgKey: string;
	msgParam: string;
}

/** DingTalk's maximum userIds per oToMessages/batchSend call. */
export const MAX_USERS_PER_SEND = 20;
/** DingTalk's maximum processQueryKeys per recall call (documented for one-to-one; assumed for groups). */
export const MAX_KEYS_PER_RECALL = 20;

export const SEND_TO_USERS_PATH = '/v1.0/robot/oToMessages/batchSend';
export const SEND_TO_GROUP_PATH = '/v1.0/robot/groupMessages/send';

/** POST /v1.0/robot/oToMessages/batchSend: at most MAX_USERS_PER_SEND users. */
export interface SendToUsersRequest extends RobotTemplate {
	robotCode: string;
	userIds: string[];
}

export interface SendToUsersResponse {
	processQueryKey?: string;
	invalidStaffIdList?: string[];
	flowControlledStaffIdList?: string[];
}

/** POST /v1.0/robot/groupMessages/send: msgParam at most 15 000 bytes. */
export interface SendToGroupRequest extends RobotTemplate {
	robotCode: string;
	openConversationId: string;
}

export interface SendToGroupResponse {
	processQueryKey: string;
}

/** POST /v1.0/robot/otoMessages/batchRecall (users) or /v1.0/robot/groupMessages/recall (a group, with its ID). */
export interface RecallRequest {
	robotCode: string;
	openConversationId?: string;
	processQueryKeys: string[];
}

export interface RecallResponse {
	successResult?: string[];
	/** processQueryKey → why it was not recalled. */
	failedResult?: Record<string, string>;
}

export async function sendToUsers(
	client: DingTalkClient,
	userIds: string[],
	template: RobotTemplate,
): Promise<SendToUsersResponse> {
	const request: SendToUsersRequest = { robotCode: client.app.robotCode, userIds, ...template };
	return await client.api<SendToUsersResponse>('POST', SEND_TO_USERS_PATH, request);
}

export async function sendToGroup(
	client: DingTalkClient,
	openConversationId: string,
	template: RobotTemplate,
): Promise<SendToGroupResponse> {
	const request: SendToGroupRequest = {
		robotCode: client.app.robotCode,
		openConversationId,
		...template,
	};
	return await client.api<SendToGroupResponse>('POST', SEND_TO_GROUP_PATH, request);
}

export async function recallUserMessages(
	client: DingTalkClient,
	processQueryKeys: string[],
): Promise<RecallResponse> {
	const request: RecallRequest = { robotCode: client.app.robotCode, processQueryKeys };
	return await client.api<RecallResponse>('POST', '/v1.0/robot/otoMessages/batchRecall', request);
}

export async function recallGroupMessages(
	client: DingTalkClient,
	openConversationId: string,
	processQueryKeys: string[],
): Promise<RecallResponse> {
	const request: RecallRequest = {
		robotCode: client.app.robotCode,
		openConversationId,
		processQueryKeys,
	};
	return await client.api<RecallResponse>('POST', '/v1.0/robot/groupMessages/recall', request);
}

/**
 * A reaction on a user's message: DingTalk's robot "emotion" API. The request model is in DingTalk's generated SDK
 * (dingtalkrobot_1_0 RobotReplyEmotionRequest / RobotRecallEmotionRequest: robotCode, openMsgId and
 * openConversationId required; answer {success}); DingTalk's API reference does not list it. emotionType 2 is a text
 * emotion (a short text on a coloured chip), as every plugin that uses the API sends it. UNCONFIRMED: the emotionId
 * and backgroundId values below, and whether other emotionTypes exist; they come from the DingTalk agent plugins
 * that use this API (DingTalk-Real-AI/dingtalk-openclaw-connector, soimy/openclaw-channel-dingtalk,
 * chenhg5/cc-connect), not from DingTalk's docs ("im_bg_1" is also the SDK model's example background).
 */
export const REPLY_EMOTION_PATH = '/v1.0/robot/emotion/reply';
export const RECALL_EMOTION_PATH = '/v1.0/robot/emotion/recall';
/** The text emotion's template as the plugins send it (UNCONFIRMED, see above). */
export const DEFAULT_EMOTION_ID = '2659900';
export const DEFAULT_EMOTION_BACKGROUND_ID = 'im_bg_1';
/** The "working on it" text the plugins put on a message (DingTalk-Real-AI's connector: 🤔思考中). */
export const DEFAULT_REACTION_TEXT = '🤔Thinking';

/** Which message a reaction goes on: the trigger item's msgId and conversationId. */
export interface ReactionTarget {
	openMsgId: string;
	openConversationId: string;
}

export interface TextEmotion {
	emotionId: string;
	emotionName: string;
	text: string;
	backgroundId: string;
}

/** POST /v1.0/robot/emotion/reply and /recall take the same body (recall names the reaction it takes back). */
export interface EmotionRequest extends ReactionTarget {
	robotCode: string;
	emotionType: 2;
	emotionName: string;
	textEmotion: TextEmotion;
}

export interface EmotionResponse {
	success?: boolean;
}

/** A text emotion showing `text`; its name is its text, as the plugins send it. */
export function textEmotion(
	text: string,
	emotionId = DEFAULT_EMOTION_ID,
	backgroundId = DEFAULT_EMOTION_BACKGROUND_ID,
): TextEmotion {
	return { emotionId, emotionName: text, text, backgroundId };
}

function emotionRequest(
	client: DingTalkClient,
	target: ReactionTarget,
	emotion: TextEmotion,
): EmotionRequest {
	return {
		robotCode: client.app.robotCode,
		openMsgId: target.openMsgId,
		openConversationId: target.openConversationId,
		emotionType: 2,
		emotionName: emotion.emotionName,
		textEmotion: emotion,
	};
}

export async function addReaction(
	client: DingTalkClient,
	target: ReactionTarget,
	emotion: TextEmotion,
): Promise<EmotionResponse> {
	const request = emotionRequest(client, target, emotion);
	return await client.api<EmotionResponse>('POST', REPLY_EMOTION_PATH, request);
}

export async function removeReaction(
	client: DingTalkClient,
	target: ReactionTarget,
	emotion: TextEmotion,
): Promise<EmotionResponse> {
	const request = emotionRequest(client, target, emotion);
	return await client.api<EmotionResponse>('POST', RECALL_EMOTION_PATH, request);
}

/**
 * POST <sessionWebhook>: a reply into the conversation an event came from, while its webhook lives. The URL is the
 * one whose host was checked (its query authorises it); the body is a webhook message (msgtype text, markdown, …).
 */
export async function replyBySessionWebhook(
	client: DingTalkClient,
	webhook: URL,
	body: IDataObject,
): Promise<void> {
	await client.postToSessionWebhook(webhook, body);
}
