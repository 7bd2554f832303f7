import {
	type IDataObject,
	type IHookFunctions,
	type INodeExecutionData,
	type ITriggerFunctions,
	type ITriggerResponse,
	type IWebhookFunctions,
	type IWebhookResponseData,
	NodeOperationError,
} from 'n8n-workflow';

import {
	type HttpCallbackSettings,
	type HttpVerdict,
	refusalAnswer,
	refusalLogLine,
} from '../http/HttpCallbackVerifier';
import { unreadableEvent } from '../pipeline/events';
import { readPipelineOptions } from '../pipeline/options';
import {
	appConfigFromCredentials,
	DingTalkClient,
	HTTP_CREDENTIAL,
	n8nHttpSender,
} from '../transport';
import {
	type ActiveHttpTrigger,
	activeHttpTrigger,
	callbackSecretsOf,
	forgetHttpTrigger,
	handOverTestItem,
	httpTriggerUrl,
	type HttpTriggerSettings,
	takeTestItem,
} from './httpRegistry';
import { attachMedia, maxMediaBytes, maxMediaFiles } from './media';

type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']> & { rawBody?: Buffer };

/**
 * HTTP mode: n8n's webhook is the callback URL set in DingTalk's Developer Console. Every request is verified
 * (signature, timestamp, nonce, decryption, AppKey) before anything else; DingTalk gets its answer at once (it allows
 * about 1.5 s), and the event then goes through the same pipeline as in Stream mode. Refused requests get a 4xx with
 * a short reason (one for every decryption failure; the detail goes to n8n's log only) and start no run; nothing
 * here throws, so a bad request cannot create a failed execution either.
 */
export async function handleHttpCallback(
	context: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	const request = context.getRequestObject() as WebhookRequest;
	const response = context.getResponseObject();
	const answer = (status: number, body: unknown): IWebhookResponseData => {
		if (typeof body === 'string') response.status(status).type('text/plain').send(body);
		else response.status(status).json(body);
		return { noWebhookResponse: true };
	};

	let state: ActiveHttpTrigger;
	try {
		state = await activeHttpTrigger(receiverKey(context), async () => await readSettings(context));
	} catch (error) {
		context.logger.error(`DingTalk Trigger: cannot serve callbacks: ${(error as Error).message}`);
		return answer(503, { error: 'trigger not configured' });
	}
	const { app, receiver, activity } = state;

	const verdict: HttpVerdict = receiver.verifier.verify({
		method: request.method,
		headers: request.headers,
		query: (request.query ?? {}) as Record<string, unknown>,
		body: request.body,
		bodyBytes: request.rawBody?.length ?? Number(request.headers['content-length'] ?? 0),
	});
	if (verdict.kind === 'reject') {
		if (verdict.status === 503 && receiver.verifier.encryptionProblem) {
			context.logger.error(
				`DingTalk Trigger: an encrypted callback arrived but ${receiver.verifier.encryptionProblem}`,
			);
		}
		context.logger.warn(refusalLogLine(verdict));
		activity.noteRefused(verdict.status, verdict.reason);
		const refusal = refusalAnswer(verdict);
		return answer(refusal.status, refusal.body);
	}
	if (verdict.kind === 'reachability') return answer(200, 'success');
	if (verdict.kind === 'urlCheck') {
		activity.noteAccepted(true);
		return answer(200, receiver.verifier.encryptedSuccess());
	}
	if (verdict.kind === 'duplicate') {
		// Its event was accepted before: DingTalk gets its success (so it stops sending it), and nothing runs again.
		context.logger.info(
			`DingTalk Trigger: callback ${verdict.messageId} carries an event already received; answered, not run`,
		);
		activity.noteAccepted(verdict.encrypted);
		return answer(200, verdict.encrypted ? receiver.verifier.encryptedSuccess() : {});
	}

	const { callback, encrypted } = verdict;
	// Refused before the 200: once DingTalk has its 200 it never sends the event again, so it would be lost silently.
	const unreadable = unreadableEvent(callback.topic, callback.data);
	if (unreadable) {
		context.logger.warn(
			`DingTalk Trigger: refused a callback (400 unreadable event: ${unreadable})`,
		);
		activity.noteRefused(400, 'unreadable event');
		return answer(400, { error: 'unreadable event' });
	}
	activity.noteAccepted(encrypted);
	const isCard = callback.data.outTrackId !== undefined && callback.data.msgtype === undefined;
	// Messages are answered before the pipeline runs (aggregation may hold them for seconds); card callbacks after,
	// because a plain card callback's answer carries the card update, as the Stream ACK does.
	if (!isCard) answer(200, encrypted ? receiver.verifier.encryptedSuccess() : {});
	let reception;
	try {
		reception = await receiver.receive(callback);
	} catch (error) {
		context.logger.warn(
			`DingTalk Trigger: callback ${callback.messageId} not processed: ${(error as Error).message}`,
		);
		if (isCard) answer(200, encrypted ? receiver.verifier.encryptedSuccess() : {});
		return { noWebhookResponse: true };
	}
	if (isCard)
		answer(200, encrypted ? receiver.verifier.encryptedSuccess() : (reception.response ?? {}));
	if (!reception.item) return { noWebhookResponse: true };

	const options = context.getNodeParameter('options', {}) as IDataObject;
	const item: INodeExecutionData =
		options.downloadMedia && reception.item.event === 'message'
			? await attachMedia(
					context,
					new DingTalkClient(app, n8nHttpSender(context.helpers)),
					reception.item,
					maxMediaBytes(options.maxMediaSize),
					maxMediaFiles(options.maxMediaFiles),
				)
			: { json: reception.item };
	if (context.getMode() === 'manual') handOverTestItem(receiverKey(context), item);
	return { noWebhookResponse: true, workflowData: [[item]] };
}

export function startHttpTestRun(context: ITriggerFunctions): ITriggerResponse {
	const item = takeTestItem(receiverKey(context));
	if (!item) {
		throw new NodeOperationError(
			context.getNode(),
			'In HTTP mode the trigger starts from a callback: use "Listen for test event" and send one to the Test URL.',
		);
	}
	return { manualTriggerFunction: async () => context.emit([[item]]) };
}

/** The node's credential and parameters, as the registry reads them when its copy is stale. */
async function readSettings(
	context: IWebhookFunctions | IHookFunctions,
): Promise<HttpTriggerSettings> {
	const credentials = await context.getCredentials(HTTP_CREDENTIAL);
	const app = appConfigFromCredentials(credentials);
	const callback: HttpCallbackSettings = {
		clientId: app.clientId,
		clientSecret: app.clientSecret,
		...callbackSecretsOf(credentials),
	};
	const production = context.getMode() !== 'manual';
	return {
		app,
		callback,
		options: readPipelineOptions(context, app.language),
		production,
		// The production URL in either context (a webhook context always answers that one).
		callbackUrl: production ? context.getNodeWebhookUrl('default') : undefined,
	};
}

/** The receiver of one trigger node; test ("Listen for test event") and production runs keep separate state. */
function receiverKey(
	context: IWebhookFunctions | IHookFunctions | ITriggerFunctions,
	scope: 'test' | 'production' = context.getMode() === 'manual' ? 'test' : 'production',
): string {
	return `${context.getWorkflow().id ?? ''}|${context.getNode().id}|${scope}`;
}

/**
 * Webhook lifecycle. DingTalk has no API to register a robot's or an event subscription's callback URL (the admin
 * pastes it into the Developer Console), so there is nothing remote to create or delete: activation starts the node
 * with fresh state (sessions, de-duplication, replay guard), deactivation drops it and flushes pending aggregates.
 * An activated node is in Connection → Get Status from then on, before its first callback.
 */
export const httpWebhookLifecycle = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return false;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			const key = receiverKey(this);
			forgetHttpTrigger(key);
			if (this.getMode() === 'manual') return true;
			try {
				await activeHttpTrigger(key, async () => await readSettings(this));
			} catch (error) {
				// Activation goes on: the first callback reads the settings again and answers 503 while they fail.
				this.logger.warn(
					`DingTalk Trigger: cannot serve callbacks yet: ${(error as Error).message}`,
				);
			}
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			// n8n removes a test webhook (a "Listen for test event" ended) with a deactivation's mode ('internal'); only
			// the URL it reports, the test URL, tells them apart. Forgetting the production node there wiped its replay
			// memory, sessions and counts while the workflow stayed active.
			const production = receiverKey(this, 'production');
			const url = this.getNodeWebhookUrl('default');
			const deactivated = url !== undefined && url === httpTriggerUrl(production);
			forgetHttpTrigger(deactivated ? production : receiverKey(this, 'test'));
			return true;
		},
	},
};
