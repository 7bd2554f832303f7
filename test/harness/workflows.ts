import { PACKAGE_PREFIX } from './paths';

/**
 * Builders for the workflows tests, scenarios, benches and the demo import: `flow` is the one workflow envelope;
 * node helpers build the DingTalk Trigger, DingTalk action nodes, a Manual Trigger and an If router; `workflow` chains
 * DingTalk steps behind a Manual Trigger.
 */

export const DINGTALK_TRIGGER_TYPE = `${PACKAGE_PREFIX}.dingTalkTrigger`;

type NodeCredentials = Record<string, { id: string; name: string }>;

export const link = (to: string, index = 0) => ({ node: to, type: 'main', index });

/** A workflow as `n8n import:workflow` takes it. */
export const flow = (id: string, nodes: unknown[], connections: Record<string, unknown>) => ({
	id,
	name: id,
	active: false,
	nodes,
	connections,
	settings: { executionOrder: 'v1' },
});

export interface TriggerNodeOptions {
	/** Stream mode is the trigger's default and is left out of the parameters, as the editor saves it. */
	mode?: 'stream' | 'http';
	parameters?: Record<string, unknown>;
	credentials: NodeCredentials;
	/** HTTP mode: the production webhook path is `webhook/<webhookId>/callback`. */
	webhookId?: string;
	name?: string;
	position?: [number, number];
	/** 1.1 is what the editor creates; 1 proves older workflows keep working. */
	typeVersion?: 1 | 1.1;
}

/** The DingTalk Trigger node. */
export function triggerNode(options: TriggerNodeOptions) {
	const {
		mode = 'stream',
		parameters = {},
		credentials,
		webhookId,
		name = 'DingTalk Trigger',
		position = [0, 0],
		typeVersion = 1.1,
	} = options;
	return {
		id: 'trigger',
		name,
		type: DINGTALK_TRIGGER_TYPE,
		typeVersion,
		position,
		...(webhookId ? { webhookId } : {}),
		parameters: mode === 'http' ? { mode: 'http', ...parameters } : parameters,
		credentials,
	};
}

/** n8n's Manual Trigger, named Start. */
export const manualTriggerNode = (id = 'start') => ({
	id,
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
});

/** An If node that sends DingTalk Trigger messages to its first output and everything else (card clicks) to its second. */
export function isMessageRouter(position: [number, number] = [200, 0]) {
	return {
		id: 'route',
		name: 'Is Message',
		type: 'n8n-nodes-base.if',
		typeVersion: 2.2,
		position,
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [
					{
						id: 'c1',
						leftValue: '={{ $json.event }}',
						rightValue: 'message',
						operator: { type: 'string', operation: 'equals' },
					},
				],
				combinator: 'and',
			},
			options: {},
		},
	};
}

/** Builds DingTalk action nodes of one credential (and, for the HTTP credential, its authentication choice). */
export function dingTalkNodeFactory(
	credentials: NodeCredentials,
	baseParameters: Record<string, unknown> = {},
) {
	return (name: string, parameters: Record<string, unknown>, x: number, y = 0) => ({
		id: name.replace(/\W/g, ''),
		name,
		type: `${PACKAGE_PREFIX}.dingTalk`,
		typeVersion: 1,
		position: [x, y],
		parameters: { ...baseParameters, ...parameters },
		credentials,
	});
}

export interface CredentialRef {
	type: 'dingTalkStreamApi' | 'dingTalkHttpApi';
	id: string;
	name: string;
}

export interface DingTalkStep {
	name: string;
	parameters: Record<string, unknown>;
	continueOnFail?: boolean;
	/** n8n's "Execute Once" setting: run for the first input item only. */
	executeOnce?: boolean;
	credential?: CredentialRef;
}

let position = 0;

function dingTalkNode(step: DingTalkStep, credential: CredentialRef) {
	const ref = step.credential ?? credential;
	return {
		id: `node-${step.name.replace(/\W/g, '')}-${++position}`,
		name: step.name,
		type: `${PACKAGE_PREFIX}.dingTalk`,
		typeVersion: 1,
		position: [position * 220, 0],
		parameters: {
			authentication: ref.type === 'dingTalkHttpApi' ? 'httpApi' : 'streamApi',
			...step.parameters,
		},
		credentials: { [ref.type]: { id: ref.id, name: ref.name } },
		...(step.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		...(step.executeOnce ? { executeOnce: true } : {}),
	};
}

/**
 * A runnable workflow: Manual Trigger, then (when items are given) a Set node emitting them through Split Out
 * (no Code node: it would start a task runner and slow every run), then the DingTalk steps in a chain.
 */
export function workflow(
	id: string,
	steps: DingTalkStep[],
	options: { items?: Array<Record<string, unknown>>; credential: CredentialRef },
) {
	const nodes: Array<Record<string, unknown>> = [manualTriggerNode(`${id}-start`)];
	const chain = ['Start'];
	if (options.items) {
		nodes.push(
			{
				id: `${id}-items`,
				name: 'Items',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [100, 0],
				parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items: options.items }) },
			},
			{
				id: `${id}-split`,
				name: 'Split',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [150, 0],
				parameters: { fieldToSplitOut: 'items' },
			},
		);
		chain.push('Items', 'Split');
	}
	for (const step of steps) {
		nodes.push(dingTalkNode(step, options.credential));
		chain.push(step.name);
	}
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < chain.length - 1; i++) {
		connections[chain[i]] = { main: [[link(chain[i + 1])]] };
	}
	return flow(id, nodes, connections);
}

export const rl = (value: string, mode: 'id' | 'list' = 'id') => ({ __rl: true, mode, value });
