import type {
	IDataObject,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { type ParameterReader, readResponseForm, readResponseType } from './responseConfig';
import {
	answerBytes,
	FormDefinitionError,
	MAX_BODY_BYTES,
	readAnswer,
	readApproved,
	readUserId,
	type Refusal,
} from './responseForm';
import {
	PAGE_HEADERS,
	pageLanguage,
	renderFormPage,
	renderRefusal,
	renderThanksPage,
} from './responsePage';

/**
 * The DingTalk node's `webhook()`: what a Send and Wait link does when opened. n8n has already checked the link's
 * signature (waiting-webhooks: the node's operation is sendAndWait), refuses it once the execution ran on, and
 * resumes the execution with `workflowData`. The output keeps n8n's shape ({data: {approved} | {text} | {...fields},
 * respondedAt inside}) so n8n's human review for tools can read it, with `respondent` beside it.
 */

/**
 * The node's waiting webhooks: n8n's resume URL ends with the node's ID; restartWebhook keeps them off the
 * production webhooks of an active workflow (as n8n's own Send and Wait nodes declare them).
 */
export const sendAndWaitWebhooks: IWebhookDescription[] = (['GET', 'POST'] as const).map(
	(httpMethod) => ({
		name: 'default',
		httpMethod,
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	}),
);

// Link previews and crawlers must not answer an approval by fetching its URL (n8n skips bots likewise).
const LINK_PREVIEW = /bot|crawl|spider|preview|slurp|facebookexternalhit|headless/i;

export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const response = this.getResponseObject();
	const read: ParameterReader = (name, fallback) =>
		this.getNodeParameter(name, fallback) as unknown;
	const reply = (status: number, html: string, output?: IDataObject): IWebhookResponseData => {
		response.status(status);
		for (const [name, value] of Object.entries(PAGE_HEADERS)) response.setHeader(name, value);
		response.send(html);
		const workflowData: INodeExecutionData[][] | undefined = output && [[{ json: output }]];
		return { noWebhookResponse: true, workflowData };
	};
	const language = pageLanguage(request.headers['accept-language']);
	const refuse = (refusal: Refusal) => {
		const { status, html } = renderRefusal(refusal, language);
		return reply(status, html);
	};

	const query = (request.query ?? {}) as Record<string, unknown>;
	const approved = readApproved(query.approved);
	if (approved === undefined) return refuse('invalid');
	const respondent = readRespondent(read, query.user);
	const answered = (data: IDataObject) =>
		reply(200, renderThanksPage(language), {
			data: { ...data, respondedAt: new Date().toISOString() },
			respondent,
		});

	const responseType = readResponseType(read);
	if (responseType === 'approval') {
		const userAgent = String(request.headers['user-agent'] ?? '');
		if (!userAgent || LINK_PREVIEW.test(userAgent)) {
			response.status(204).end();
			return { noWebhookResponse: true };
		}
		return answered({ approved });
	}

	let form;
	try {
		form = readResponseForm(read);
	} catch (error) {
		if (error instanceof FormDefinitionError) return refuse('unavailable');
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- n8n answers an unexpected failure itself
		throw error;
	}
	if (request.method === 'GET') return reply(200, renderFormPage(form, language));
	if (request.method !== 'POST') return refuse('unsupported');

	const length = Number(request.headers['content-length'] ?? 0);
	if (!Number.isFinite(length) || length > MAX_BODY_BYTES) return refuse('tooLarge');
	const contentType = String(request.headers['content-type'] ?? '');
	if (!contentType.toLowerCase().startsWith('multipart/form-data')) return refuse('unsupported');
	// n8n parses a multipart body into {data: fields, files}; our form has no file field.
	const body = this.getBodyData() as { data?: unknown; files?: unknown };
	if (body.files !== undefined && Object.keys(body.files as object).length > 0)
		return refuse('unsupported');
	if (answerBytes(body.data) > MAX_BODY_BYTES) return refuse('tooLarge');
	const answer = readAnswer(form.fields, body.data ?? {});
	if (!answer.ok) return refuse(answer.refusal);
	if (responseType === 'freeText') return answered({ text: answer.values[form.fields[0].label] });
	return answered(answer.values);
}

/** Who answered: the user a link was signed for; nobody knowable for a group message. */
function readRespondent(read: ParameterReader, user: unknown): IDataObject | null {
	if (read('sendTo', 'users') !== 'users') return null;
	const userId = readUserId(user);
	return userId === undefined ? null : { userId };
}
