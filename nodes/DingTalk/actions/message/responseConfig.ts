import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	FormDefinitionError,
	type FormField,
	FREE_TEXT_FIELD,
	parseFormJson,
	readFormDefinition,
} from './responseForm';
import type { FormPage } from './responsePage';

/**
 * Send and Wait's parameters as both sides read them: the execution (to send the card) and the webhook (to render
 * the form and read the answer), from the same node parameters.
 */
export type ResponseType = 'approval' | 'freeText' | 'customForm';

/** Reads one node parameter; both IExecuteFunctions (item 0) and IWebhookFunctions fit. */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

export interface SendAndWaitConfig {
	title: string;
	message: string;
	responseType: ResponseType;
	approvalType: 'single' | 'double';
	approveLabel: string;
	disapproveLabel: string;
	messageButtonLabel: string;
}

export interface ResponseLink {
	label: string;
	url: string;
	approved: boolean;
}

const text = (read: ParameterReader, name: string, fallback: string) => {
	const value = read(name, fallback);
	return typeof value === 'string' && value.trim() !== '' ? value : fallback;
};

export function readResponseType(read: ParameterReader): ResponseType {
	const value = read('responseType', 'approval');
	return value === 'freeText' || value === 'customForm' ? value : 'approval';
}

/** The form a Free Text or Custom Form link opens; throws FormDefinitionError for a form that cannot be built. */
export function readResponseForm(read: ParameterReader): FormPage {
	const responseType = readResponseType(read);
	const fields: FormField[] =
		responseType === 'customForm' ? readCustomFields(read) : [FREE_TEXT_FIELD];
	return {
		title: text(read, 'options.responseFormTitle', ''),
		description: text(read, 'options.responseFormDescription', String(read('message', '') ?? '')),
		buttonLabel: text(read, 'options.responseFormButtonLabel', 'Submit'),
		fields,
	};
}

function readCustomFields(read: ParameterReader): FormField[] {
	if (read('defineForm', 'fields') === 'json') {
		const json = read('jsonOutput', '[]');
		return typeof json === 'string' ? parseFormJson(json) : readFormDefinition(json);
	}
	return readFormDefinition(read('formFields.values', []));
}

/** Reads and checks the parameters before anything is sent: a form that cannot be built fails the node, not the link. */
export function readSendAndWaitConfig(context: IExecuteFunctions): SendAndWaitConfig {
	const read: ParameterReader = (name, fallback) => context.getNodeParameter(name, 0, fallback);
	const responseType = readResponseType(read);
	// Free Text reads its form's texts here too: an expression that fails must stop the node, not the opened link.
	if (responseType !== 'approval') {
		try {
			readResponseForm(read);
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not ours to describe; the router converts it
			if (!(error instanceof FormDefinitionError)) throw error;
			throw new NodeOperationError(context.getNode(), 'The response form cannot be built', {
				description: error.message,
			});
		}
	}
	const title = String(read('subject', '') ?? '').trim();
	const message = String(read('message', '') ?? '').trim();
	if (!title) throw new NodeOperationError(context.getNode(), '"Title" is empty');
	if (!message) throw new NodeOperationError(context.getNode(), '"Message" is empty');
	return {
		title,
		message: message.replace(/\\n/g, '\n'),
		responseType,
		approvalType:
			read('approvalOptions.values.approvalType', 'single') === 'double' ? 'double' : 'single',
		approveLabel: text(read, 'approvalOptions.values.approveLabel', 'Approve'),
		disapproveLabel: text(read, 'approvalOptions.values.disapproveLabel', 'Decline'),
		messageButtonLabel: text(read, 'options.messageButtonLabel', 'Respond'),
	};
}

/** The n8n release that first signs resume URLs (`getSignedResumeUrl`; 1.105.4 has it not, 1.110.1 has). */
export const SIGNED_RESUME_URLS_SINCE = '1.110';

/**
 * Makes sure n8n will check the signature of this execution's response links, before anything is sent. An n8n
 * without signed resume URLs is refused: whoever holds a link could change the answer or the respondent. n8n 1.x
 * checks the signature only for executions that ask for it (its own Send and Wait nodes do, as here); 2.x checks
 * every Send and Wait link and has no such method.
 */
export function requireSignedResumeUrls(context: IExecuteFunctions): void {
	if (!('getSignedResumeUrl' in context) || typeof context.getSignedResumeUrl !== 'function')
		throw new NodeOperationError(
			context.getNode(),
			`Send and Wait for Response needs n8n ${SIGNED_RESUME_URLS_SINCE} or later`,
			{
				description:
					'This n8n cannot sign the response links (it has no getSignedResumeUrl), so an answer or who gave it could be forged. Update n8n; Send to Users and Send to Group work on this version.',
			},
		);
	const n8n1 = context as IExecuteFunctions & { setSignatureValidationRequired?: unknown };
	if (
		'setSignatureValidationRequired' in n8n1 &&
		typeof n8n1.setSignatureValidationRequired === 'function'
	)
		n8n1.setSignatureValidationRequired();
}

/**
 * The buttons of one message, each a resume URL n8n signs (HMAC over path and query), so neither `approved` nor
 * `user` can be changed by whoever holds the link. As n8n's nodes: disapprove first, then approve.
 */
export function responseLinks(
	context: IExecuteFunctions,
	config: SendAndWaitConfig,
	extra: Record<string, string>,
): ResponseLink[] {
	const link = (label: string, approved: boolean) => ({
		label,
		approved,
		url: context.getSignedResumeUrl({ approved: String(approved), ...extra }),
	});
	if (config.responseType !== 'approval') return [link(config.messageButtonLabel, true)];
	if (config.approvalType === 'double')
		return [link(config.disapproveLabel, false), link(config.approveLabel, true)];
	return [link(config.approveLabel, true)];
}
