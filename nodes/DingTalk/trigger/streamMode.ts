import { type IDataObject, type INodeExecutionData, type IRun, type ITriggerFunctions, type ITriggerResponse, NodeOperationError } from 'n8n-workflow';

import { acquireStreamConnection } from '../stream/registry';
import type { CallbackHandler } from '../stream/StreamConnection';
import { appConfigFromCredentials, axiosSender, DingTalkClient, n8nHttpSender, STREAM_CREDENTIAL, toNodeError } from '../transport';
import { EventPipeline } from './EventPipeline';
import { attachMedia } from './media';
import { pipelineOptions } from './pipelineOptions';

/**
 * Stream mode: subscribe to the app's shared long connection, run each callback through the event pipeline, and
 * ACK it after the run (or at once, per the ACK Policy option).
 */
export async function startStreamTrigger(context: ITriggerFunctions): Promise<ITriggerResponse> {
	let app;
	try {
		app = appConfigFromCredentials(await context.getCredentials(STREAM_CREDENTIAL));
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const manual = context.getMode() === 'manual';
	const ackAfterRun = !manual && options.ackPolicy !== 'immediately';
	const withConnectionOutput = context.getNodeParameter('emitConnectionEvents', false) as boolean;
	const outputs = (events: INodeExecutionData[]): INodeExecutionData[][] => (withConnectionOutput ? [events, []] : [events]);

	const mediaClient = options.downloadMedia ? new DingTalkClient(app, n8nHttpSender(context.helpers)) : undefined;
	const emitEvent = async (item: IDataObject) => {
		const data: INodeExecutionData = mediaClient && item.event === 'message' ? await attachMedia(context, mediaClient, item) : { json: item };
		if (!ackAfterRun) {
			context.emit(outputs([data]));
			return { ok: true };
		}
		const done = context.helpers.createDeferredPromise<IRun>();
		context.emit(outputs([data]), undefined, done);
		const run = await done.promise;
		return { ok: !run?.data?.resultData?.error && run?.status !== 'error' && run?.status !== 'crashed' };
	};
	const pipeline = new EventPipeline(pipelineOptions(context, app.language), emitEvent);
	const handler: CallbackHandler = ackAfterRun
		? async (callback) => await pipeline.handle(callback)
		: async (callback) => {
				pipeline.handle(callback).catch((error: Error) => context.logger.warn(`DingTalk Trigger: run failed: ${error.message}`));
				return null;
			};

	const connection = acquireStreamConnection(app, {
		// The shared socket outlives any one execution context, so its gateway calls use the plain HTTP sender.
		openConnection: async (subscriptions, ua) =>
			await new DingTalkClient(app, axiosSender, { retry: { maxRetries: 1, baseDelayMs: 500, maxDelayMs: 1000 } }).openStreamConnection(subscriptions, ua),
		logger: context.logger,
	});
	const connectionEvent = (event: string) => (detail?: string) => {
		if (!withConnectionOutput) return;
		context.emit([[], [{ json: { event, detail: detail ?? null, ...connection.status() } }]]);
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
		throw toNodeError(context.getNode(), error);
	}
	return { closeFunction: close };
}
