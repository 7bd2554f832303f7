import type { IDataObject } from 'n8n-workflow';

import { parseIdList } from '../helpers/lists';
import type { DingTalkLanguage } from '../transport/types';
import type { PipelineOptions } from '../pipeline/EventPipeline';

/** The trigger and webhook contexts both read parameters this way. */
interface ParameterReader {
	getNodeParameter(name: string, fallback?: unknown): unknown;
}

/** The trigger's parameters as the event pipeline takes them (the same for Stream and HTTP mode). */
export function pipelineOptions(context: ParameterReader, language: DingTalkLanguage): PipelineOptions {
	const options = context.getNodeParameter('options', {}) as IDataObject;
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
		// At least a second: every wait has a deadline.
		runDeadlineSeconds: Math.max(1, number(options.runDeadline, 300)),
		language,
	};
}
