import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { sendAndWaitWebhook, sendAndWaitWebhooks } from './actions/message/responseWebhook';
import { router } from './actions/router';
import { properties } from './actions/versionDescription';
import { approval, dingTalkApiCredentialTest, listSearch } from './methods';

export class DingTalk implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DingTalk',
		name: 'dingTalk',
		icon: { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Reply, notify users and groups, send and stream cards, recall messages, read users and departments, act on approvals, and manage to-dos in DingTalk',
		defaults: { name: 'DingTalk' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'dingTalkStreamApi',
				required: true,
				testedBy: 'dingTalkApiCredentialTest',
				displayOptions: { show: { authentication: ['streamApi'] } },
			},
			{
				name: 'dingTalkHttpApi',
				required: true,
				testedBy: 'dingTalkApiCredentialTest',
				displayOptions: { show: { authentication: ['httpApi'] } },
			},
		],
		// Send and Wait for Response: n8n resumes a waiting execution through these (restart webhooks, never
		// registered on an active workflow, so no webhookMethods lifecycle applies).
		webhooks: sendAndWaitWebhooks,
		waitingNodeTooltip:
			'={{ $parameter["operation"] === "sendAndWait" ? "Execution will continue after the response" : "" }}',
		properties,
	};

	methods = {
		listSearch,
		loadOptions: { getApprovalTemplates: approval.getApprovalTemplates },
		resourceMapping: { getApprovalFormFields: approval.getApprovalFormFields },
		credentialTest: { dingTalkApiCredentialTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook.call(this);
	}
}
