import {
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IRun,
	type ITriggerFunctions,
	type ITriggerResponse,
	NodeOperationError,
} from 'n8n-workflow';

import { parseIdList } from './helpers/lists';
import { dingTalkApiCredentialTest } from './methods';
import { acquireStreamConnection } from './stream/registry';
import type { CallbackHandler } from './stream/StreamConnection';
import { triggerProperties } from './trigger/description';
import { attachMedia } from './trigger/media';
import { EventPipeline, type PipelineOptions } from './trigger/EventPipeline';
import { appConfigFromCredentials, axiosSender, DingTalkClient, n8nHttpSender, toNodeError } from './transport';

export class DingTalkTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DingTalk Trigger',
		name: 'dingTalkTrigger',
		icon: { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Stream: " + $parameter["events"].join(", ") }}',
		description: 'Starts the workflow when a DingTalk user messages the bot or clicks a card button',
		defaults: { name: 'DingTalk Trigger' },
		inputs: [],
		outputs: `={{ $parameter["emitConnectionEvents"] ? [{ "type": "main", "displayName": "Events" }, { "type": "main", "displayName": "Connection" }] : [{ "type": "main" }] }}`,
		credentials: [{ name: 'dingTalkStreamApi', required: true, testedBy: 'dingTalkApiCredentialTest' }],
		properties: triggerProperties,
	};

	methods = { credentialTest: { dingTalkApiCredentialTest } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		let app;
		try {
			app = appConfigFromCredentials(await this.getCredentials('dingTalkStreamApi'));
		} catch (error) {
			throw new NodeOperationError(this.getNode(), (error as Error).message);
		}
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const manual = this.getMode() === 'manual';
		const ackAfterRun = !manual && options.ackPolicy !== 'immediately';
		const withConnectionOutput = this.getNodeParameter('emitConnectionEvents', false) as boolean;
		const outputs = (events: INodeExecutionData[]): INodeExecutionData[][] => (withConnectionOutput ? [events, []] : [events]);

		const mediaClient = options.downloadMedia ? new DingTalkClient(app, n8nHttpSender(this.helpers)) : undefined;
		const emitEvent = async (item: IDataObject) => {
			const data: INodeExecutionData = mediaClient && item.event === 'message' ? await attachMedia(this, mediaClient, item) : { json: item };
			if (!ackAfterRun) {
				this.emit(outputs([data]));
				return { ok: true };
			}
			const done = this.helpers.createDeferredPromise<IRun>();
			this.emit(outputs([data]), undefined, done);
			const run = await done.promise;
			return { ok: !run?.data?.resultData?.error && run?.status !== 'error' && run?.status !== 'crashed' };
		};
		const pipeline = new EventPipeline(pipelineOptions(this, options, app.language), emitEvent);
		const handler: CallbackHandler = ackAfterRun
			? async (callback) => await pipeline.handle(callback)
			: async (callback) => {
					pipeline.handle(callback).catch((error: Error) => this.logger.warn(`DingTalk Trigger: run failed: ${error.message}`));
					return null;
				};

		const connection = acquireStreamConnection(app, {
			// The shared socket outlives any one execution context, so its gateway calls use the plain HTTP sender.
			openConnection: async (subscriptions, ua) =>
				await new DingTalkClient(app, axiosSender, { retry: { maxRetries: 1, baseDelayMs: 500, maxDelayMs: 1000 } }).openStreamConnection(subscriptions, ua),
			logger: this.logger,
		});
		const connectionEvent = (event: string) => (detail?: string) => {
			if (!withConnectionOutput) return;
			this.emit([[], [{ json: { event, detail: detail ?? null, ...connection.status() } }]]);
		};
		const listeners: Array<[string, (detail?: string) => void]> = [
			['connected', connectionEvent('connected')],
			['disconnected', connectionEvent('disconnected')],
			['error-status', connectionEvent('error')],
		];
		for (const [name, listener] of listeners) connection.on(name, listener);
		const close = async () => {
			pipeline.close();
			for (const [name, listener] of listeners) connection.off(name, listener);
			connection.unsubscribe(handler);
		};
		try {
			await connection.subscribe(handler);
		} catch (error) {
			await close();
			throw toNodeError(this.getNode(), error);
		}
		return { closeFunction: close };
	}
}

function pipelineOptions(context: ITriggerFunctions, options: IDataObject, language: PipelineOptions['language']): PipelineOptions {
	const number = (value: unknown, fallback: number) => (value === undefined || value === '' ? fallback : Math.max(0, Number(value)));
	return {
		events: context.getNodeParameter('events', ['message']) as PipelineOptions['events'],
		conversationTypes: context.getNodeParameter('conversationTypes', 'both') as PipelineOptions['conversationTypes'],
		groupMentionsOnly: context.getNodeParameter('groupMentionsOnly', true) as boolean,
		ignoreOwnMessages: options.ignoreOwnMessages !== false,
		allowedSenderIds: parseIdList(options.allowedSenderIds),
		allowedConversationIds: parseIdList(options.allowedConversationIds),
		sessionTimeoutSeconds: number(options.sessionTimeout, 3600),
		sharedGroupSession: options.sharedGroupSession === true,
		aggregationWindowSeconds: number(options.aggregationWindow, 0),
		aggregationMaxWaitSeconds: number(options.aggregationMaxWait, 30),
		endSessionAction: String(options.endSessionAction ?? 'end_session'),
		language,
	};
}
