import type {
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { dingTalkApiCredentialTest } from './methods';
import { triggerProperties } from './trigger/description';
import { handleHttpCallback, httpWebhookLifecycle, startHttpTestRun } from './trigger/httpMode';
import { startStreamTrigger } from './trigger/streamMode';

/**
 * Webhooks exist only in HTTP mode: an empty method makes n8n register none (and leaves Stream mode's test runs
 * alone). n8n evaluates these fields on every webhook request; n8n ≥ 2.x resolves them without its expression
 * sandbox when the description carries native resolvers under this registered symbol (older versions ignore it).
 * Without them each callback paid for a V8 isolate and ran at 0.39× the speed of n8n's own Webhook node.
 */
const WEBHOOK_RESOLVERS = Symbol.for('n8n.webhookDescriptionResolvers');
type Parameters = Record<string, unknown>;
function resolvedWebhook(
	fields: { name: string; path: string; responseMode?: string },
	computed: Record<
		'httpMethod' | 'ndvHideUrl',
		{ template: string; resolve: (p: Parameters) => unknown }
	>,
): IWebhookDescription {
	const templates = Object.fromEntries(
		Object.entries(computed).map(([key, field]) => [key, field.template]),
	);
	return {
		...fields,
		...templates,
		ndvHideMethod: true,
		[WEBHOOK_RESOLVERS]: computed,
	} as unknown as IWebhookDescription;
}
const methodInHttpMode = (method: string) => ({
	template: `={{ $parameter["mode"] === "http" ? "${method}" : "" }}`,
	resolve: (p: Parameters) => (p.mode === 'http' ? method : ''),
});
const hideUrl = (always: boolean) => ({
	template: always ? '={{ true }}' : '={{ $parameter["mode"] !== "http" }}',
	resolve: (p: Parameters) => always || p.mode !== 'http',
});

export class DingTalkTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DingTalk Trigger',
		name: 'dingTalkTrigger',
		icon: { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly as 1. n8n evaluates an extra expression (a V8 isolate) on every webhook request of a
		// version-1 node; 1.1 skips that, which HTTP mode's throughput needs. Version 1 workflows keep working.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{ ($parameter["mode"] === "http" ? "HTTP: " : "Stream: ") + $parameter["events"].join(", ") }}',
		description:
			'Starts the workflow when a DingTalk user messages the bot or clicks a card button, or on organisation events (approvals, contacts, attendance)',
		defaults: { name: 'DingTalk Trigger' },
		inputs: [],
		outputs: `={{ $parameter["emitConnectionEvents"] ? [{ "type": "main", "displayName": "Events" }, { "type": "main", "displayName": "Connection" }] : [{ "type": "main" }] }}`,
		credentials: [
			{
				name: 'dingTalkStreamApi',
				required: true,
				testedBy: 'dingTalkApiCredentialTest',
				displayOptions: { show: { mode: ['stream'] } },
			},
			{
				name: 'dingTalkHttpApi',
				required: true,
				testedBy: 'dingTalkApiCredentialTest',
				displayOptions: { show: { mode: ['http'] } },
			},
		],
		webhooks: [
			resolvedWebhook(
				{ name: 'default', path: 'callback', responseMode: 'onReceived' },
				{ httpMethod: methodInHttpMode('POST'), ndvHideUrl: hideUrl(false) },
			),
			// DingTalk checks that the URL answers before it saves it.
			resolvedWebhook(
				{ name: 'setup', path: 'callback' },
				{ httpMethod: methodInHttpMode('GET'), ndvHideUrl: hideUrl(true) },
			),
		],
		properties: triggerProperties,
	};

	methods = { credentialTest: { dingTalkApiCredentialTest } };

	webhookMethods = httpWebhookLifecycle;

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// In HTTP mode the webhook does the work; there is nothing to keep open.
		if (this.getNodeParameter('mode', 'stream') === 'http')
			return this.getMode() === 'manual' ? startHttpTestRun(this) : {};
		return await startStreamTrigger(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleHttpCallback(this);
	}
}
