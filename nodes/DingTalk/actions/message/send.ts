import {
	MAX_USERS_PER_SEND,
	type RobotTemplate,
	SEND_TO_GROUP_PATH,
	sendToGroup,
	sendToUsers,
} from '../../api/robot';
import { chunk } from '../../helpers/lists';
import { MAX_MSG_PARAM_BYTES } from '../../helpers/messageContent';
import { type DingTalkClient, DingTalkApiError } from '../../transport';

export interface UserSendResult {
	processQueryKeys: string[];
	sentUserIds: string[];
	invalidUserIds: string[];
	flowControlledUserIds: string[];
}

/** Sends one robot message to any number of users, in chunks of DingTalk's per-call maximum. */
export async function sendUserMessages(
	client: DingTalkClient,
	userIds: string[],
	template: RobotTemplate,
): Promise<UserSendResult> {
	const result: UserSendResult = {
		processQueryKeys: [],
		sentUserIds: [],
		invalidUserIds: [],
		flowControlledUserIds: [],
	};
	for (const batch of chunk(userIds, MAX_USERS_PER_SEND)) {
		const answer = await sendToUsers(client, batch, template);
		const invalid = answer.invalidStaffIdList ?? [];
		const flowControlled = answer.flowControlledStaffIdList ?? [];
		if (answer.processQueryKey) result.processQueryKeys.push(answer.processQueryKey);
		result.invalidUserIds.push(...invalid);
		result.flowControlledUserIds.push(...flowControlled);
		result.sentUserIds.push(
			...batch.filter((id) => !invalid.includes(id) && !flowControlled.includes(id)),
		);
	}
	return result;
}

export async function sendGroupMessage(
	client: DingTalkClient,
	openConversationId: string,
	template: RobotTemplate,
): Promise<{ processQueryKey: string }> {
	const bytes = Buffer.byteLength(template.msgParam, 'utf8');
	if (bytes > MAX_MSG_PARAM_BYTES) {
		// Refused here with a clear reason rather than by DingTalk with a generic parameter error.
		throw new DingTalkApiError({
			code: 'messageTooLarge',
			dingTalkMessage: `The message is ${bytes} bytes; DingTalk accepts at most ${MAX_MSG_PARAM_BYTES} bytes in a group message`,
			kind: 'invalidRequest',
			endpoint: SEND_TO_GROUP_PATH,
		});
	}
	const answer = await sendToGroup(client, openConversationId, template);
	return { processQueryKey: answer.processQueryKey };
}
