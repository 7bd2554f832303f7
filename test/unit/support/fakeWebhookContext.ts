import type {
	ICredentialDataDecryptedObject,
	IHookFunctions,
	IWebhookFunctions,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import type { PushedCallback } from '../../fake-dingtalk';

/**
 * A small fake of the contexts n8n gives a trigger node's webhook (`IWebhookFunctions`, one per request) and its
 * webhook lifecycle (`IHookFunctions`, on activation): the same workflow, node, credential and parameters, so a
 * test can activate an HTTP-mode DingTalk Trigger and send it callbacks as n8n would hand them over.
 */
export interface FakeTriggerNode {
	workflowId: string;
	nodeId: string;
	credentials: ICredentialDataDecryptedObject;
	/** The trigger's parameters (defaults fill in the rest). */
	parameters?: Record<string, unknown>;
	mode?: WorkflowExecuteMode;
	/** What n8n's getNodeWebhookUrl('default') answers: the production URL (a test webhook's hooks get the test URL). */
	webhookUrl: string;
}

export interface FakeAnswer {
	status?: number;
	body?: unknown;
}

function base(node: FakeTriggerNode, logs: string[]) {
	const parameters = { mode: 'http', ...node.parameters };
	return {
		getMode: () => node.mode ?? 'webhook',
		getWorkflow: () => ({ id: node.workflowId }),
		getNode: () => ({ id: node.nodeId, name: 'DingTalk Trigger' }),
		getCredentials: async () => ({ ...node.credentials }),
		getNodeParameter: (name: string, fallback?: unknown) =>
			name in parameters ? parameters[name as keyof typeof parameters] : fallback,
		getNodeWebhookUrl: (name: string) => (name === 'default' ? node.webhookUrl : undefined),
		logger: Object.fromEntries(
			['debug', 'info', 'warn', 'error'].map((level) => [
				level,
				(message: string) => logs.push(`${level}: ${message}`),
			]),
		),
	};
}

/** The lifecycle context (create / delete on activation and deactivation). */
export function fakeHookContext(node: FakeTriggerNode, logs: string[] = []): IHookFunctions {
	return base(node, logs) as unknown as IHookFunctions;
}

/** The context of one callback request; `answer` records what the webhook sent back. */
export function fakeWebhookContext(
	node: FakeTriggerNode,
	pushed: PushedCallback,
	logs: string[] = [],
): { context: IWebhookFunctions; answer: FakeAnswer } {
	const answer: FakeAnswer = {};
	const response = {
		status(code: number) {
			answer.status = code;
			return response;
		},
		type: () => response,
		send(body: unknown) {
			answer.body = body;
			return response;
		},
		json(body: unknown) {
			answer.body = body;
			return response;
		},
	};
	const isJson = (pushed.headers['content-type'] ?? '').startsWith('application/json');
	const request = {
		method: pushed.method,
		headers: pushed.headers,
		query: pushed.query,
		body: isJson ? (JSON.parse(pushed.body) as unknown) : pushed.body,
		rawBody: Buffer.from(pushed.body),
	};
	const context = {
		...base(node, logs),
		getRequestObject: () => request,
		getResponseObject: () => response,
	};
	return { context: context as unknown as IWebhookFunctions, answer };
}
