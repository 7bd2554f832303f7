import type { INodeProperties } from 'n8n-workflow';

/** Whom a message goes to: the fields Send to Users, Send to Group and Send and Wait share (each adds its displayOptions). */
export const userIdsField: INodeProperties = {
	displayName: 'User IDs',
	name: 'userIds',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'manager1234, user5678',
	description:
		'Staff user IDs to notify, separated by commas or new lines, or an expression giving an array. Any number: they are sent in batches of 20.',
	hint: 'Find user IDs with the User → List operation, or in the DingTalk admin console under Contacts',
};

export const openConversationIdField: INodeProperties = {
	displayName: 'Open Conversation ID',
	name: 'openConversationId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'cidXXXXXXXX==',
	description: 'The group conversation to post in. The robot must be a member of the group.',
	hint: 'The conversationId of a group message received by the DingTalk Trigger',
};
