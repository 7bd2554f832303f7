import { createHash } from 'crypto';
import {
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INode,
	type JsonObject,
	NodeApiError,
} from 'n8n-workflow';

import { redactSecrets } from '../../shared/redact';
import { withoutTrailingSlashes } from '../../shared/url';
import { describeXpertFailure } from './errorHints';

export const XPERT_CREDENTIAL = 'xpertAiApi';

/** How long a call may take when the operation sets no Timeout. */
const DEFAULT_TIMEOUT_MS = 60_000;

type XpertContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface XpertRequest {
	method: 'GET' | 'POST' | 'DELETE';
	path: string;
	body?: IDataObject;
	timeoutMs?: number;
	/** Read the answer as a stream (Server-Sent Events). */
	stream?: boolean;
	/** Aborts the request (deadline, cancelled execution). n8n's authenticated helper replaces it with the execution's cancel signal, so callers must not rely on it alone. */
	abortSignal?: AbortSignal;
}

/** `<server>/api/ai` without a trailing slash, from the credential. */
export function baseUrlOf(credentials: ICredentialDataDecryptedObject): string {
	return withoutTrailingSlashes(String(credentials.baseUrl ?? '').trim());
}

/** Request options for one Xpert AI call: the API key is added by n8n (credential `authenticate`), the org here. */
export function requestOptions(
	credentials: ICredentialDataDecryptedObject,
	request: XpertRequest,
): IHttpRequestOptions {
	const organizationId = String(credentials.organizationId ?? '').trim();
	return {
		method: request.method,
		url: `${baseUrlOf(credentials)}${request.path}`,
		body: request.body,
		json: !request.stream,
		headers: {
			...(organizationId ? { 'organization-id': organizationId } : {}),
			...(request.stream ? { accept: 'text/event-stream' } : {}),
		},
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		...(request.stream ? { encoding: 'stream' as const } : {}),
		...(request.abortSignal ? { abortSignal: request.abortSignal } : {}),
	};
}

async function send(context: XpertContext, request: XpertRequest): Promise<unknown> {
	const credentials = await context.getCredentials(XPERT_CREDENTIAL);
	return await context.helpers.httpRequestWithAuthentication.call(
		context,
		XPERT_CREDENTIAL,
		requestOptions(credentials, request),
	);
}

/** Calls Xpert AI through n8n's authenticated request helper (proxy settings apply); errors say what to fix. */
export async function xpertRequest<T = unknown>(
	context: XpertContext,
	request: XpertRequest,
): Promise<T> {
	try {
		return (await send(context, request)) as T;
	} catch (error) {
		throw xpertError(context.getNode(), error, request, await secretsOf(context));
	}
}

/** Deletes a resource; false when it does not exist (nothing to delete is not a failure). */
export async function xpertDelete(context: XpertContext, path: string): Promise<boolean> {
	try {
		await send(context, { method: 'DELETE', path });
		return true;
	} catch (error) {
		if (statusOf(error) === 404) return false;
		throw xpertError(context.getNode(), error, { path }, await secretsOf(context));
	}
}

/** Xpert AI as the node's operations call it: through n8n's context, with failures already made readable. */
export interface XpertClient {
	request<T = unknown>(request: XpertRequest): Promise<T>;
	/** Deletes a resource; false when it does not exist. */
	delete(path: string): Promise<boolean>;
	/** What an error text must never show (for failures that did not come from `request`). */
	secrets(): Promise<string[]>;
}

export function xpertClientFor(context: XpertContext): XpertClient {
	return {
		request: async <T>(request: XpertRequest) => await xpertRequest<T>(context, request),
		delete: async (path) => await xpertDelete(context, path),
		secrets: async () => await secretsOf(context),
	};
}

const EXPERTS_PAGE = 100;

/** Lists the published Digital Experts this key can see (`assistants/search`, paged). */
export async function listExperts(xpert: XpertClient, max: number): Promise<IDataObject[]> {
	const experts: IDataObject[] = [];
	for (let offset = 0; experts.length < max; offset += EXPERTS_PAGE) {
		const page = await xpert.request<IDataObject[]>({
			method: 'POST',
			path: '/assistants/search',
			body: { limit: Math.min(EXPERTS_PAGE, max - experts.length), offset },
		});
		experts.push(...(page ?? []));
		if (!page || page.length < EXPERTS_PAGE) break;
	}
	return experts;
}

/** What a server's error text must never show: the credential's API key. */
export async function secretsOf(context: XpertContext): Promise<string[]> {
	try {
		return [String((await context.getCredentials(XPERT_CREDENTIAL)).apiKey ?? '')];
	} catch {
		return [];
	}
}

function statusOf(error: unknown): number {
	const e = error as { httpCode?: string; response?: { status?: number } };
	return Number(e.httpCode ?? e.response?.status ?? 0);
}

/** Turns a failed call into an error an n8n user can act on: the message and hint of its kind (errorHints.ts). */
export function xpertError(
	node: INode,
	error: unknown,
	request: Pick<XpertRequest, 'path' | 'timeoutMs'>,
	/** The credential's secrets, masked in every text of the error (a server may echo them). */
	secrets: string[],
): NodeApiError {
	const e = error as { code?: string; message?: string; cause?: { code?: string } };
	const status = statusOf(error);
	const failure = {
		status,
		code: e.code ?? e.cause?.code,
		text: e.message,
		path: request.path,
		timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};
	const { message: shown, hint } = describeXpertFailure(failure);
	// Only the message goes in: given the raw error, n8n swaps ours for a generic text when it sees a network code.
	const message = redactSecrets(shown, secrets);
	const cause: JsonObject = {
		message: redactSecrets(e.message ?? message, secrets),
		...(status ? { httpCode: String(status) } : {}),
	};
	return new NodeApiError(node, cause, {
		message,
		description: hint,
		httpCode: status ? String(status) : undefined,
	});
}

/**
 * The Xpert thread of a session: a name-based UUID (version-5 layout) of expert and session key, so the same session
 * always lands in the same thread without n8n storing anything, across executions, workers and restarts.
 */
export function threadIdFor(expertId: string, sessionKey: string): string {
	// The namespace is a fixed string, not the npm name: thread IDs must not change when the package is renamed.
	const hash = createHash('sha1').update(`n8n-nodes-dingtalk\n${expertId}\n${sessionKey}`).digest();
	hash[6] = (hash[6] & 0x0f) | 0x50;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	const hex = hash.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Parts nested deeper than this hold no text of an AI message (Xpert nests two or three levels). */
export const MAX_CONTENT_DEPTH = 32;

/** The text of an AI message: a string, or parts of which the text parts count (bounded depth: never a RangeError). */
export function textOf(content: unknown, depth = 0): string {
	if (typeof content === 'string') return content;
	if (depth >= MAX_CONTENT_DEPTH) return '';
	if (Array.isArray(content)) return content.map((part) => textOf(part, depth + 1)).join('');
	if (content && typeof content === 'object') {
		const part = content as { type?: string; text?: unknown; content?: unknown };
		if (typeof part.text === 'string') return part.text;
		if (part.content !== undefined) return textOf(part.content, depth + 1);
	}
	return '';
}

/** The input Xpert accepts (the shape in its own docs fails validation: xpert-ai/xpert#338). */
export function sendInput(text: string, files?: IDataObject[]): IDataObject {
	return {
		action: 'send',
		message: { input: { input: text, ...(files?.length ? { files } : {}) } },
	};
}
