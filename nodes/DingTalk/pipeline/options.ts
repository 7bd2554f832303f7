import type { IDataObject, INodeProperties, NodeParameterValueType } from 'n8n-workflow';

import { parseIdList } from '../helpers/lists';
import type { DingTalkLanguage } from '../transport/types';
import { ALL_EVENT_TYPES, ORG_EVENT_TYPES, OTHER_EVENT_TYPE } from './orgEvents';

/** How a saved parameter value becomes a setting; `fallback` is the parameter's default. */
type Reader<T> = (value: unknown, fallback: NodeParameterValueType) => T;

interface Setting<T> {
	/** Where the trigger keeps the parameter: on the node, or inside its Options collection. */
	place: 'node' | 'options';
	read: Reader<T>;
	/** The n8n parameter (its name and default are what saved workflows hold). */
	parameter: INodeProperties;
}

const setting = <T>(
	place: Setting<T>['place'],
	read: Reader<T>,
	parameter: INodeProperties,
): Setting<T> => ({ place, read, parameter });

/** n8n gives node parameters their declared type. */
const asIs = <T>(value: unknown): T => value as T;
/** Options hold only what the user added: an absent option reads as its default. */
const flag: Reader<boolean> = (value, fallback) =>
	typeof value === 'boolean' ? value : fallback === true;
const text: Reader<string> = (value, fallback) => String(value ?? fallback);
const ids: Reader<string[]> = (value) => parseIdList(value);
/** Absent or emptied → the default; digits as text count; never below `min`. */
const seconds =
	(min: number): Reader<number> =>
	(value, fallback) =>
		value === undefined || value === '' ? Number(fallback) : Math.max(min, Number(value));

/** The approval filters apply to approval events: shown when those (or All) are selected. */
const SHOWN_FOR_APPROVAL_EVENTS = {
	show: {
		events: ['orgEvent'],
		orgEventTypes: ['bpms_instance_change', 'bpms_task_change', ALL_EVENT_TYPES],
	},
};

/**
 * The event pipeline's settings, each defined once: the trigger parameter that sets it (name, default, how n8n shows
 * it), where the trigger keeps it, and how its saved value is read. The trigger's description, the settings reader and
 * the defaults all come from this table, so a new filter is a row here and its check in EventPipeline.
 */
export const PIPELINE_SETTINGS = {
	events: setting<Array<'message' | 'cardCallback' | 'orgEvent'>>('node', asIs, {
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: [
			{
				name: 'Message',
				value: 'message',
				description: 'A user writes to the bot (direct chat, or a group)',
			},
			{
				name: 'Card Callback',
				value: 'cardCallback',
				description:
					'A user clicks a button on a card the bot sent (cards sent with callback type Stream, or HTTP in HTTP mode)',
			},
			{
				name: 'Organisation Events',
				value: 'orgEvent',
				description:
					'Something happens in the organisation: an approval, an employee or department change, a clock-in (subscribed in the Developer Console)',
			},
		],
		default: ['message'],
		required: true,
	}),
	orgEventTypes: setting<string[]>('node', ids, {
		displayName: 'Event Types',
		name: 'orgEventTypes',
		type: 'multiOptions',
		options: [
			{
				name: 'All',
				value: ALL_EVENT_TYPES,
				description: 'Every event DingTalk pushes to this app',
			},
			...ORG_EVENT_TYPES.map(({ name, value }) => ({ name, value, description: value })),
			{
				name: 'Other Event Type',
				value: OTHER_EVENT_TYPE,
				description: 'Event types named in Other Event Types',
			},
		],
		default: ['bpms_instance_change'],
		description:
			'Which organisation events start the workflow; the others are acknowledged and dropped',
		displayOptions: { show: { events: ['orgEvent'] } },
	}),
	otherEventTypes: setting('node', ids, {
		displayName: 'Other Event Types',
		name: 'otherEventTypes',
		type: 'string',
		default: '',
		placeholder: 'label_user_change, chat_update_title',
		description:
			"DingTalk event types by name (comma-separated), as the Developer Console's event list shows them",
		displayOptions: { show: { events: ['orgEvent'], orgEventTypes: [OTHER_EVENT_TYPE] } },
	}),
	approvalProcessCodes: setting('node', ids, {
		displayName: 'Approval Process Codes',
		name: 'approvalProcessCodes',
		type: 'string',
		default: '',
		placeholder: 'PROC-FF6Y4BE1N2-SF0LJ1NLK3E8SXUD1NJT2-ABC',
		description:
			"Approval events only: only these approval forms (comma-separated process codes, from the form's URL in the OA admin); empty = all",
		displayOptions: SHOWN_FOR_APPROVAL_EVENTS,
	}),
	approvalChangeTypes: setting('node', ids, {
		displayName: 'Approval Change Types',
		name: 'approvalChangeTypes',
		type: 'multiOptions',
		options: [
			{ name: 'Start', value: 'start', description: 'An instance was submitted (or a task began)' },
			{ name: 'Finish', value: 'finish', description: 'An instance or task was decided' },
			{
				name: 'Terminate',
				value: 'terminate',
				description: 'The originator withdrew the instance',
			},
		],
		default: [],
		description: 'Approval events only: which changes start the workflow; none selected = all',
		displayOptions: SHOWN_FOR_APPROVAL_EVENTS,
	}),
	approvalResults: setting('node', ids, {
		displayName: 'Approval Results',
		name: 'approvalResults',
		type: 'multiOptions',
		options: [
			{ name: 'Agree', value: 'agree' },
			{ name: 'Refuse', value: 'refuse' },
		],
		default: [],
		description:
			'Approval events only: which results start the workflow (a start or a termination has none, so selecting one leaves those out); none selected = all',
		displayOptions: SHOWN_FOR_APPROVAL_EVENTS,
	}),
	conversationTypes: setting<'both' | 'direct' | 'group'>('node', asIs, {
		displayName: 'Conversations',
		name: 'conversationTypes',
		type: 'options',
		options: [
			{ name: 'Direct and Group', value: 'both' },
			{ name: 'Direct Only', value: 'direct' },
			{ name: 'Group Only', value: 'group' },
		],
		default: 'both',
		displayOptions: { show: { events: ['message'] } },
	}),
	groupMentionsOnly: setting<boolean>('node', asIs, {
		displayName: 'Group Messages Only When @Mentioned',
		name: 'groupMentionsOnly',
		type: 'boolean',
		default: true,
		displayOptions: { show: { events: ['message'] } },
		description: 'Whether group messages start the workflow only when they @mention the bot',
	}),
	ignoreOwnMessages: setting('options', flag, {
		displayName: 'Ignore Own Messages',
		name: 'ignoreOwnMessages',
		type: 'boolean',
		default: true,
		description: 'Whether to ignore messages the bot itself sent',
	}),
	allowedSenderIds: setting('options', ids, {
		displayName: 'Allowed Sender IDs',
		name: 'allowedSenderIds',
		type: 'string',
		default: '',
		description: 'Only these senders (comma-separated staff user IDs); empty = everyone',
	}),
	allowedConversationIds: setting('options', ids, {
		displayName: 'Allowed Conversation IDs',
		name: 'allowedConversationIds',
		type: 'string',
		default: '',
		description: 'Only these conversations (comma-separated conversationIds); empty = all',
	}),
	sessionTimeoutSeconds: setting('options', seconds(0), {
		displayName: 'Session Timeout (Seconds)',
		name: 'sessionTimeout',
		type: 'number',
		default: 3600,
		description:
			'A session ends after this long without messages; the next message starts a new one',
	}),
	sharedGroupSession: setting('options', flag, {
		displayName: 'One Session per Group',
		name: 'sharedGroupSession',
		type: 'boolean',
		default: false,
		description: 'Whether everyone in a group shares one session (default: one per member)',
	}),
	aggregationWindowSeconds: setting('options', seconds(0), {
		displayName: 'Aggregation Window (Seconds)',
		name: 'aggregationWindow',
		type: 'number',
		default: 0,
		description:
			'Messages from one sender in one conversation within this many seconds become one event (texts joined by new lines). 0 = off.',
	}),
	aggregationMaxWaitSeconds: setting('options', seconds(0), {
		displayName: 'Aggregation Max Wait (Seconds)',
		name: 'aggregationMaxWait',
		type: 'number',
		default: 30,
		description:
			'With aggregation on, the longest a first message waits before the batch is sent anyway',
	}),
	endSessionAction: setting('options', text, {
		displayName: 'End Session Action',
		name: 'endSessionAction',
		type: 'string',
		default: 'end_session',
		description:
			'A card button whose action ID or "action" param is this ends the sender\'s session',
	}),
	/** The longest the pipeline waits for a run before it ACKs the message anyway and releases its de-duplication entry (at least a second: every wait has a deadline). */
	runDeadlineSeconds: setting('options', seconds(1), {
		displayName: 'Run Deadline (Seconds)',
		name: 'runDeadline',
		type: 'number',
		default: 300,
		typeOptions: { minValue: 1 },
		description:
			'With ACK Policy "After the Run Finished", the longest the trigger waits for a run (e.g. one parked in a Wait node) before it acknowledges the message anyway, so DingTalk stops redelivering it',
		displayOptions: { show: { '/mode': ['stream'] } },
	}),
};

type Settings = typeof PIPELINE_SETTINGS;

export type PipelineOptions = {
	[K in keyof Settings]: Settings[K] extends Setting<infer T> ? T : never;
} & { language: DingTalkLanguage };

/** The trigger and webhook contexts both read parameters this way. */
interface ParameterReader {
	getNodeParameter(name: string, fallback?: unknown): unknown;
}

/** The trigger's parameters as the event pipeline takes them (the same for Stream and HTTP mode). */
export function readPipelineOptions(
	context: ParameterReader,
	language: DingTalkLanguage,
): PipelineOptions {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const settings = Object.entries(PIPELINE_SETTINGS).map(
		([key, { place, read, parameter }]: [string, Setting<unknown>]) => {
			const value =
				place === 'node'
					? context.getNodeParameter(parameter.name, parameter.default)
					: options[parameter.name];
			return [key, read(value, parameter.default)];
		},
	);
	return { ...Object.fromEntries(settings), language } as PipelineOptions;
}

/** The parameters of one place, in the table's order. */
export function pipelineParameters(place: Setting<unknown>['place']): INodeProperties[] {
	return Object.values(PIPELINE_SETTINGS)
		.filter((row: Setting<unknown>) => row.place === place)
		.map((row) => row.parameter);
}

/** The trigger's defaults (as its parameters show them), for tests and benches. */
export const DEFAULT_PIPELINE_OPTIONS: PipelineOptions = readPipelineOptions(
	{ getNodeParameter: (name, fallback) => (name === 'options' ? {} : fallback) },
	'en',
);
