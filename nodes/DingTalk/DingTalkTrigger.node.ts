import type {
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { dingTalkApiCredentialTest } from './methods';
import { triggerProperties } from './trigger/description';
import { handleHttpCallback, httpWebhookLifecycle } from './trigger/httpMode';
import { startStreamTrigger } from './trigger/streamMode';

/** Webhooks exist only in HTTP mode: an empty method makes n8n register none (and leaves Stream mode's test runs alone). */
const inHttpMode = (method: string) => `={{ $parameter["mode"] === "http" ? "${method}" : "" }}`;

export class DingTalkTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DingTalk Trigger',
		name: 'dingTalkTrigger',
		icon: { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["mode"] === "http" ? "HTTP: " : "Stream: ") + $parameter["events"].join(", ") }}',
		description: 'Starts the workflow when a DingTalk user messages the bot or clicks a card button',
		defaults: { name: 'DingTalk Trigger' },
		inputs: [],
		outputs: `={{ $parameter["emitConnectionEvents"] ? [{ "type": "main", "displayName": "Events" }, { "type": "main", "displayName": "Connection" }] : [{ "type": "main" }] }}`,
		credentials: [
			{ name: 'dingTalkStreamApi', required: true, testedBy: 'dingTalkApiCredentialTest', displayOptions: { show: { mode: ['stream'] } } },
			{ name: 'dingTalkHttpApi', required: true, testedBy: 'dingTalkApiCredentialTest', displayOptions: { show: { mode: ['http'] } } },
		],
		webhooks: [
			{ name: 'default', httpMethod: inHttpMode('POST'), path: 'callback', responseMode: 'onReceived', ndvHideUrl: '={{ $parameter["mode"] !== "http" }}', ndvHideMethod: true },
			// DingTalk checks that the URL answers before it saves it.
			{ name: 'setup', httpMethod: inHttpMode('GET'), path: 'callback', ndvHideUrl: true },
		],
		properties: triggerProperties,
	};

	methods = { credentialTest: { dingTalkApiCredentialTest } };

	webhookMethods = httpWebhookLifecycle;

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// In HTTP mode the webhook does the work; there is nothing to keep open.
		if (this.getNodeParameter('mode', 'stream') === 'http') return {};
		return await startStreamTrigger(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleHttpCallback(this);
	}
}
