import axios, { type AxiosRequestConfig } from 'axios';
import { createHmac } from 'crypto';
import { createReadStream } from 'fs';
import { stat } from 'fs/promises';
import {
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type IExecuteResponsePromiseData,
	type IGetNodeParameterOptions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type JsonObject,
	NodeApiError,
	NodeHelpers,
	NodeOperationError,
} from 'n8n-workflow';

import { DingTalkHttpApi } from '../../../credentials/DingTalkHttpApi.credentials';
import { DingTalkStreamApi } from '../../../credentials/DingTalkStreamApi.credentials';
import { XpertAiApi } from '../../../credentials/XpertAiApi.credentials';

/**
 * A small fake of n8n's IExecuteFunctions for unit tests of the action nodes: enough to call a node's `execute`
 * the way n8n does, with real HTTP (axios) against the fake DingTalk / Xpert named in the credentials.
 * It follows n8n-core 2.x where the nodes depend on it; anything else it does not implement throws when used.
 */
export interface FakeContextOptions {
	/** The node under test; its description supplies the parameter defaults and the credential types. */
	node: INodeType;
	/** The node's parameters as the user set them (no expressions: give values); or per item. */
	parameters: INodeParameters | ((itemIndex: number) => INodeParameters);
	/** Input items (default: one empty item). */
	items?: INodeExecutionData[];
	/** Credential data by credential type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	/** The workflow's time zone (n8n's GENERIC_TIMEZONE or the workflow setting); default UTC. */
	timezone?: string;
	/** Context methods to leave out, as an older n8n has not got them (e.g. `getSignedResumeUrl` before 1.110). */
	olderN8nLacks?: Array<keyof IExecuteFunctions>;
	/** Context methods an older n8n has that 2.x has not (e.g. 1.x's `setSignatureValidationRequired`). */
	olderN8nHas?: Record<string, (...args: unknown[]) => unknown>;
}

export interface FakeContext {
	context: IExecuteFunctions;
	/** What the node handed to `sendResponse` (Respond to Webhook style answers). */
	responses: IExecuteResponsePromiseData[];
	/** Aborting it is what n8n does when an execution is cancelled. */
	cancel: AbortController;
	logs: Array<{ level: string; message: string }>;
	/** What the node handed to putExecutionToWait, in order. */
	waits: Date[];
}

/** The fake's HMAC secret and waiting-webhook base: resume URLs are signed as n8n-core signs them. */
export const FAKE_HMAC_SECRET = 'fake-hmac-secret';
export const FAKE_WAITING_BASE = 'http://n8n.test/webhook-waiting';
export const FAKE_EXECUTION_ID = '42';

/** n8n-core's signature of a resume URL: HMAC-SHA256 over its path and query without `signature`. */
export function signResumeUrl(url: URL): string {
	const unsigned = new URL(url.toString());
	unsigned.searchParams.delete('signature');
	return createHmac('sha256', FAKE_HMAC_SECRET)
		.update(`${unsigned.pathname}${unsigned.search}`)
		.digest('hex');
}

const CREDENTIAL_TYPES: ICredentialType[] = [
	new DingTalkStreamApi(),
	new DingTalkHttpApi(),
	new XpertAiApi(),
];

export function fakeExecuteContext(options: FakeContextOptions): FakeContext {
	const description = options.node.description;
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const responses: IExecuteResponsePromiseData[] = [];
	const cancel = new AbortController();
	const logs: FakeContext['logs'] = [];
	const waits: Date[] = [];
	const userParameters = (i: number) =>
		typeof options.parameters === 'function' ? options.parameters(i) : options.parameters;
	// n8n stores a node's parameters with the defaults of every displayed field filled in (NodeHelpers does that).
	const parametersOf = (i: number) =>
		NodeHelpers.getNodeParameters(
			description.properties,
			userParameters(i),
			true,
			false,
			{ typeVersion: 1 },
			description,
		) ?? {};
	const node: INode = {
		id: 'node-under-test',
		name: description.defaults.name ?? description.displayName,
		type: `test.${description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: parametersOf(0),
	};

	const getCredentials = async (type: string) => {
		if (!description.credentials?.some((c) => c.name === type)) {
			throw new NodeOperationError(
				node,
				`Node type "${description.name}" does not have any credentials of type "${type}" defined`,
			);
		}
		const data = options.credentials?.[type];
		if (!data)
			throw new NodeOperationError(
				node,
				`Node "${node.name}" does not have any credentials set for "${type}"`,
			);
		return { ...data };
	};

	const context = {
		getNode: () => node,
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail === true,
		getTimezone: () => options.timezone ?? 'UTC',
		getCredentials,
		getExecutionCancelSignal: () => cancel.signal,
		// As n8n-core's getSignedResumeUrl: <waiting base>/<execution>/<node id>?<parameters>&signature=<hmac>.
		getSignedResumeUrl(parameters: Record<string, string> = {}) {
			const url = new URL(
				`${FAKE_WAITING_BASE}/${FAKE_EXECUTION_ID}/${encodeURIComponent(node.id)}`,
			);
			for (const [key, value] of Object.entries(parameters)) url.searchParams.set(key, value);
			url.searchParams.set('signature', signResumeUrl(url));
			return url.toString();
		},
		putExecutionToWait: async (waitTill: Date) => {
			waits.push(waitTill);
		},
		sendResponse: async (response: IExecuteResponsePromiseData) => {
			responses.push(response);
		},
		logger: Object.fromEntries(
			['debug', 'info', 'warn', 'error'].map((level) => [
				level,
				(message: string) => logs.push({ level, message }),
			]),
		),
		getNodeParameter(
			name: string,
			itemIndex: number,
			fallback?: unknown,
			parameterOptions?: IGetNodeParameterOptions,
		) {
			// As n8n: lodash-style path lookup, the fallback only when the parameter is absent.
			let value = pathGet(parametersOf(itemIndex), name);
			if (value === undefined) value = fallback;
			if (value === undefined) throw new Error(`Could not get parameter "${name}"`);
			if (hasExpression(value)) {
				throw new Error(
					`fakeExecuteContext evaluates no expressions: give "${name}" a value (got ${JSON.stringify(value)})`,
				);
			}
			if (parameterOptions?.extractValue) value = extractResourceLocatorValue(value, name);
			return value;
		},
		helpers: strict('helpers', {
			httpRequest: async (request: IHttpRequestOptions) => await httpRequest(request),
			// As n8n-core's binary helpers: data with an id lives in a file ("filesystem-v2:<path>" here), else in memory.
			assertBinaryData(itemIndex: number, propertyName: string) {
				const binary = items[itemIndex]?.binary?.[propertyName];
				if (!binary)
					throw new NodeOperationError(
						node,
						`This operation expects the node's input data to contain a binary file '${propertyName}', but none was found [item ${itemIndex}]`,
						{ itemIndex },
					);
				return binary;
			},
			getBinaryMetadata: async (id: string) => ({ fileSize: (await stat(binaryPath(id))).size }),
			getBinaryStream: async (id: string, chunkSize?: number) =>
				createReadStream(binaryPath(id), { highWaterMark: chunkSize ?? 64 * 1024 }),
			// As n8n-core: the execution's cancel signal, the credential's `authenticate`, failures as NodeApiError.
			async httpRequestWithAuthentication(type: string, request: IHttpRequestOptions) {
				try {
					const credentials = await getCredentials(type);
					return await httpRequest(
						authenticate(type, credentials, { ...request, abortSignal: cancel.signal }),
					);
				} catch (error) {
					if (error instanceof NodeOperationError) throw error;
					throw new NodeApiError(node, error as JsonObject);
				}
			},
		}),
	};
	for (const method of options.olderN8nLacks ?? [])
		delete (context as Record<string, unknown>)[method];
	Object.assign(context, options.olderN8nHas);
	return {
		context: strict('context', context) as unknown as IExecuteFunctions,
		responses,
		cancel,
		logs,
		waits,
	};
}

/** Runs the node's `execute` over a fake context; returns its main output and the fake's records. */
export async function runNode(
	options: FakeContextOptions,
): Promise<FakeContext & { output: INodeExecutionData[] }> {
	const fake = fakeExecuteContext(options);
	if (!options.node.execute) throw new Error('The node has no execute method');
	const [output] = (await options.node.execute.call(fake.context)) as INodeExecutionData[][];
	return { ...fake, output };
}

/** n8n's request helper in the parts the nodes use (n8n-core's convertN8nRequestToAxios, same option names). */
async function httpRequest(request: IHttpRequestOptions): Promise<unknown> {
	const method = (request.method ?? 'GET').toUpperCase();
	const config: AxiosRequestConfig = {
		url: request.url,
		method,
		params: request.qs,
		headers: {
			...(request.json ? { Accept: 'application/json' } : {}),
			...(request.headers ?? {}),
		},
		timeout: request.timeout,
		signal: request.abortSignal,
		...(request.disableFollowRedirect ? { maxRedirects: 0 } : {}),
		...(request.encoding
			? { responseType: request.encoding as AxiosRequestConfig['responseType'] }
			: {}),
		...(request.ignoreHttpStatusErrors ? { validateStatus: () => true } : {}),
	};
	const body = request.body as unknown;
	if (
		method !== 'GET' &&
		body !== undefined &&
		(typeof body === 'string' || Object.keys(body as object).length > 0)
	)
		config.data = body;
	const result = await axios.request(config);
	if (!request.returnFullResponse) return result.data;
	return {
		body: result.data,
		headers: result.headers,
		statusCode: result.status,
		statusMessage: result.statusText,
	};
}

function binaryPath(id: string): string {
	const [mode, path] = id.split(/:(.*)/s);
	if (mode !== 'filesystem-v2' || !path)
		throw new Error(`fakeExecuteContext: binary id "${id}" is not faked`);
	return path;
}

/** A credential type's generic `authenticate` (headers and query), resolving `={{$credentials.field}}` only. */
function authenticate(
	type: string,
	credentials: ICredentialDataDecryptedObject,
	request: IHttpRequestOptions,
): IHttpRequestOptions {
	const authentication = CREDENTIAL_TYPES.find((c) => c.name === type)?.authenticate;
	if (!authentication) return request;
	if (typeof authentication === 'function' || authentication.type !== 'generic')
		throw new Error(`${type}: only generic authenticate is faked`);
	const resolve = (values: IDataObject = {}) =>
		Object.fromEntries(
			Object.entries(values).map(([key, value]) => {
				const field = /^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/.exec(String(value))?.[1];
				if (!field)
					throw new Error(
						`${type}: the fake resolves only {{$credentials.field}} (got ${String(value)})`,
					);
				return [key, credentials[field]];
			}),
		);
	const { headers, qs } = authentication.properties;
	return {
		...request,
		headers: { ...request.headers, ...resolve(headers) },
		qs: { ...request.qs, ...resolve(qs) },
	};
}

/** n8n's extractValue for resource locators: the value of the chosen mode (no mode here has an extract regex). */
function extractResourceLocatorValue(value: unknown, name: string): unknown {
	if (typeof value !== 'object' || value === null || !('mode' in value) || !('value' in value))
		return value;
	if (name.includes('.'))
		throw new Error(`fakeExecuteContext: extractValue on nested "${name}" is not faked`);
	return (value as { value: unknown }).value;
}

function pathGet(object: unknown, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>(
			(at, key) => (at === null || typeof at !== 'object' ? undefined : (at as IDataObject)[key]),
			object,
		);
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	return typeof value === 'object' && value !== null && Object.values(value).some(hasExpression);
}

/** Any member the fake lacks throws a clear error instead of "is not a function". */
function strict<T extends object>(what: string, target: T): T {
	return new Proxy(target, {
		get(object, property, receiver) {
			if (typeof property === 'symbol' || property in object || property === 'then')
				return Reflect.get(object, property, receiver);
			throw new Error(
				`fakeExecuteContext: ${what}.${property} is not faked; add it (as n8n-core does it) if a node needs it`,
			);
		},
	});
}
