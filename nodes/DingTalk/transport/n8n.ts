import {
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INode,
	type JsonObject,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { appConfigFromCredentials, HTTP_CREDENTIAL, STREAM_CREDENTIAL } from './credentials';
import { DingTalkClient } from './DingTalkClient';
import { DingTalkApiError } from './errors';
import { n8nHttpSender } from './senders';

type NodeContext = IExecuteFunctions | ILoadOptionsFunctions;

/**
 * The credential type the node is set to use: its "Credential Type" parameter (`authentication` on the DingTalk
 * node; other nodes that talk to DingTalk name it differently).
 */
export function credentialTypeOf(context: NodeContext, parameter = 'authentication'): string {
	const authentication =
		'getCurrentNodeParameter' in context
			? context.getCurrentNodeParameter(parameter)
			: context.getNodeParameter(parameter, 0);
	return authentication === 'httpApi' ? HTTP_CREDENTIAL : STREAM_CREDENTIAL;
}

/** A client for the node's credential, talking through n8n's request helper. */
export async function clientFor(context: NodeContext, parameter?: string): Promise<DingTalkClient> {
	const credentials = await context.getCredentials(credentialTypeOf(context, parameter));
	let app;
	try {
		app = appConfigFromCredentials(credentials);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
	return new DingTalkClient(app, n8nHttpSender(context.helpers));
}

/** Turns any failure into the n8n error the UI shows: DingTalk's code, message and request id, plus a hint. */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): Error {
	if (error instanceof DingTalkApiError) {
		const description = [
			error.hint,
			error.requestId ? `DingTalk request ID: ${error.requestId}` : undefined,
		]
			.filter(Boolean)
			.join(' ');
		return new NodeApiError(node, error.toJSON() as unknown as JsonObject, {
			message: error.message,
			description: description || undefined,
			httpCode: error.httpStatus === undefined ? undefined : String(error.httpStatus),
			itemIndex,
		});
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
