import { PACKAGE_PREFIX } from './paths';

/** Builders for the small workflows the end-to-end tests import: Manual Trigger → items → DingTalk node(s). */

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
		parameters: { authentication: ref.type === 'dingTalkHttpApi' ? 'httpApi' : 'streamApi', ...step.parameters },
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
	const nodes: Array<Record<string, unknown>> = [
		{ id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
	];
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
		connections[chain[i]] = { main: [[{ node: chain[i + 1], type: 'main', index: 0 }]] };
	}
	return { id, name: id, active: false, nodes, connections, settings: { executionOrder: 'v1' } };
}

export const rl = (value: string, mode: 'id' | 'list' = 'id') => ({ __rl: true, mode, value });
