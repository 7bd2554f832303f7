import { type INodeTypeDescription, NodeConnectionTypes } from 'n8n-workflow';

import { HTTP_CREDENTIAL, STREAM_CREDENTIAL } from '../transport/credentials';
import * as card from './card';
import * as department from './department';
import * as message from './message';
import * as user from './user';

export const versionDescription: INodeTypeDescription = {
	displayName: 'DingTalk',
	name: 'dingTalk',
	icon: { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' },
	group: ['output'],
	version: 1,
	subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
	description: 'Reply, notify users and groups, send and stream cards, recall messages, and read users and departments in DingTalk',
	defaults: { name: 'DingTalk' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [
		{
			name: STREAM_CREDENTIAL,
			required: true,
			testedBy: 'dingTalkApiCredentialTest',
			displayOptions: { show: { authentication: ['streamApi'] } },
		},
		{
			name: HTTP_CREDENTIAL,
			required: true,
			testedBy: 'dingTalkApiCredentialTest',
			displayOptions: { show: { authentication: ['httpApi'] } },
		},
	],
	properties: [
		{
			displayName: 'Credential Type',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'DingTalk Stream API', value: 'streamApi' },
				{ name: 'DingTalk HTTP API', value: 'httpApi' },
			],
			default: 'streamApi',
			description: 'Either works for sending; use the one your DingTalk Trigger uses',
		},
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Card', value: 'card' },
				{ name: 'Department', value: 'department' },
				{ name: 'Message', value: 'message' },
				{ name: 'User', value: 'user' },
			],
			default: 'message',
		},
		...message.description,
		...card.description,
		...user.description,
		...department.description,
	],
};
