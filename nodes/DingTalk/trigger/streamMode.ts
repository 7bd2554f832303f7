import {
	type IDataObject,
	type IExecuteResponsePromiseData,
	type INodeExecutionData,
	type IRun,
	type ITriggerFunctions,
	type ITriggerResponse,
	NodeOperationError,
} from 'n8n-workflow';

import { openStreamConnection } from '../api/gateway';
import { decisionGateOf } from '../pipeline/Decisions';
import { EventPipeline } from '../pipeline/EventPipeline';
import { unreadableEvent } from '../pipeline/events';
import { readPipelineOptions } from '../pipeline/options';
import { wantsEventType } from '../pipeline/orgEvents';
import { RunLimiter } from '../pipeline/RunLimiter';
import { acquireStreamConnection } from '../stream/registry';
import type { StreamCallback } from '../stream/frames';
import type { CallbackHandler, SubscriberOptions } from '../stream/StreamConnection';
import {
	appConfigFromCredentials,
	axiosSender,
	type DingTalkApiError,
	DingTalkClient,
	n8nHttpSender,
	STREAM_CREDENTIAL,
	toNodeError,
} from '../transport';
import { attachMedia, maxMediaBytes, maxMediaFiles } from './media';
import { REACTION_DEADLINE_MS, reactWhileRunning, type TakeBack } from './reaction';

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
	// ACK after the run gives a failed run a second delivery where DingTalk redelivers un-ACKed robot messages, which
	// other bot projects observe (16–60 s) but DingTalk's FAQ denies ("fire and forget"): UNCONFIRMED, never relied on.
	const ackAfterRun = !manual && options.ackPolicy !== 'immediately';
	const withConnectionOutput = context.getNodeParameter('emitConnectionEvents', false) as boolean;
	const outputs = (events: INodeExecutionData[]): INodeExecutionData[][] =>
		withConnectionOutput ? [events, []] : [events];

	const mediaClient = options.downloadMedia
		? new DingTalkClient(app, n8nHttpSender(context.helpers))
		: undefined;
	const reactionText = String(options.reactWhileRunning ?? '').trim();
	// One try per reaction call, within the reaction's own deadline: it must never hold a message up for long.
	const reactionClient = reactionText
		? new DingTalkClient(app, n8nHttpSender(context.helpers), {
				retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 },
				timeoutMs: REACTION_DEADLINE_MS,
			})
		: undefined;
	const warn = (message: string) => context.logger.warn(message);
	const pipelineOptions = readPipelineOptions(context, app.language);
	// Messages over Max Concurrent Runs wait here, after de-duplication (a redelivery of a waiting message waits for
	// its outcome instead of taking a place) and un-ACKed (the ACK follows the run).
	const maxRuns = Math.floor(Number(options.maxConcurrentRuns ?? 0));
	const limiter = !manual && maxRuns > 0 ? new RunLimiter(maxRuns) : undefined;
	const emitEvent = async (item: IDataObject) => {
		const release = limiter ? await limiter.acquire() : undefined;
		try {
			return await emitRun(item, release);
		} catch (error) {
			release?.();
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- rejecting leaves the message un-ACKed for redelivery
			throw error;
		}
	};
	const emitRun = async (item: IDataObject, release?: () => void) => {
		const data: INodeExecutionData =
			mediaClient && item.event === 'message'
				? await attachMedia(
						context,
						mediaClient,
						item,
						maxMediaBytes(options.maxMediaSize),
						maxMediaFiles(options.maxMediaFiles),
					)
				: { json: item };
		// Never start a run once n8n began closing the trigger (deactivation, shutdown): the message stays un-ACKed.
		if (pipeline.isClosed) throw new Error('the trigger is closing');
		const takeBack: TakeBack | undefined = reactionClient
			? await reactWhileRunning(reactionClient, item, reactionText, warn)
			: undefined;
		if (pipeline.isClosed) {
			void takeBack?.();
			throw new Error('the trigger is closing');
		}
		// n8n tells a trigger that a run is over only through the done promise given to emit (in both ACK policies).
		const done =
			ackAfterRun || takeBack || release
				? context.helpers.createDeferredPromise<IRun>()
				: undefined;
		if (takeBack) void done?.promise.then(takeBack, takeBack);
		if (release && done) {
			// A run that never ends (a Wait node) gives its place back at the Run Deadline, as its message is ACKed then.
			const deadline = setTimeout(release, pipelineOptions.runDeadlineSeconds * 1000);
			deadline.unref?.();
			const finished = () => {
				clearTimeout(deadline);
				release();
			};
			void done.promise.then(finished, finished);
		}
		if (!ackAfterRun || !done) {
			context.emit(outputs([data]), undefined, done);
			return { ok: true };
		}
		// A card click can be answered by the run itself (Card → Answer Callback, through n8n's sendResponse): the
		// answer goes into the ACK as soon as it exists, so the card changes before the rest of the run finishes.
		// UNCONFIRMED: DingTalk documents no deadline for a click's answer (other platforms allow 3 s); README
		// "What DingTalk does not document" says how a slow flow answers early.
		const answer =
			item.event === 'cardCallback'
				? context.helpers.createDeferredPromise<IExecuteResponsePromiseData>()
				: undefined;
		context.emit(outputs([data]), answer, done);
		const finished = done.promise.then((run) => ({
			ok: !run?.data?.resultData?.error && run?.status !== 'error' && run?.status !== 'crashed',
		}));
		if (!answer) return await finished;
		// n8n also settles this promise when a run ends without answering (with a marker, or a rejection): then the
		// run's own outcome decides.
		const answered = answer.promise.then(
			(response) => (hasBody(response) ? { ok: true, response: response.body } : finished),
			async () => await finished,
		);
		return await Promise.race([answered, finished]);
	};
	const pipeline = new EventPipeline(
		pipelineOptions,
		emitEvent,
		Date.now,
		(message) => context.logger.warn(message),
		decisionGateOf(app),
	);
	// An event that cannot be read is ACKed (DingTalk would only redeliver it) and logged, never dropped silently.
	const readable = (callback: StreamCallback): boolean => {
		const problem = unreadableEvent(callback.topic, callback.data);
		if (problem)
			context.logger.warn(
				`DingTalk Trigger: ACKed and dropped an unreadable callback (${problem})`,
				{ messageId: callback.messageId },
			);
		return !problem;
	};
	const handler: CallbackHandler = ackAfterRun
		? async (callback) => (readable(callback) ? await pipeline.handle(callback) : null)
		: async (callback) => {
				if (readable(callback))
					pipeline
						.handle(callback)
						.catch((error: Error) =>
							context.logger.warn(`DingTalk Trigger: run failed: ${error.message}`),
						);
				return null;
			};

	const connection = acquireStreamConnection(app, {
		// The shared socket outlives any one execution context, so its gateway calls use the plain HTTP sender.
		openConnection: async (subscriptions, ua) =>
			await openStreamConnection(
				new DingTalkClient(app, axiosSender, {
					retry: { maxRetries: 1, baseDelayMs: 500, maxDelayMs: 1000 },
				}),
				subscriptions,
				ua,
			),
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
	// A secret revoked or rotated after activation: retrying cannot fix it, so n8n is told (it deactivates the
	// workflow, shows the error on it, runs the error workflow and retries the activation with backoff).
	const onAuthFailed = (error: DingTalkApiError) => {
		// n8n shows only the message on the deactivated workflow, so the fix goes into it.
		const message =
			`DingTalk refused this trigger's credential on every reconnect (${error.message}). ${error.hint ?? ''}`.trim();
		context.emitError(
			new NodeOperationError(context.getNode(), message, { description: error.hint }),
		);
	};
	connection.on('auth-failed', onAuthFailed);
	for (const [name, listener] of listeners) connection.on(name, listener);
	const close = async () => {
		pipeline.close('drop');
		limiter?.close();
		connection.off('auth-failed', onAuthFailed);
		for (const [name, listener] of listeners) connection.off(name, listener);
		connection.unsubscribe(handler);
	};
	// Organisation events only for a trigger that takes them: the connection subscribes EVENT only while one does,
	// and ACKs at once the types no trigger wants.
	const subscriber: SubscriberOptions = pipelineOptions.events.includes('orgEvent')
		? { wantsEvent: (eventType) => wantsEventType(pipelineOptions, eventType) }
		: {};
	try {
		await connection.subscribe(handler, subscriber);
	} catch (error) {
		await close();
		throw toNodeError(context.getNode(), error);
	}
	// n8n 2.x activates published workflows in the background and logs nothing when one is live: this line is how an
	// admin (and `npm start -- --check`) knows from the log that messages now reach this workflow.
	if (!manual) context.logger.info(streamListeningLine(context.getWorkflow().id));
	return { closeFunction: close };
}

/** The log line of an activated Stream-mode trigger (the workflow ID, never the app's credentials). */
export function streamListeningLine(workflowId: string | undefined): string {
	return `DingTalk Trigger: listening on the Stream connection (workflow ${workflowId ?? 'unsaved'})`;
}

/** Card → Answer Callback and Respond to Webhook both send `{ body, … }`; DingTalk wants the body in the ACK. */
function hasBody(
	response: IExecuteResponsePromiseData,
): response is IExecuteResponsePromiseData & { body: unknown } {
	return (
		typeof response === 'object' &&
		response !== null &&
		'body' in response &&
		response.body !== undefined &&
		response.body !== null
	);
}
