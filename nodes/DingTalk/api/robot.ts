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
