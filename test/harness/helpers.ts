import { PACKAGE_PREFIX } from './paths';

/** Small pieces the end-to-end tests share. */

/** Polls until `probe` gives something truthy (or throws after `timeoutMs`). */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

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
				conditions: [{ id: 'c1', leftValue: '={{ $json.event }}', rightValue: 'message', operator: { type: 'string', operation: 'equals' } }],
				combinator: 'and',
			},
			options: {},
		},
	};
}

/** Builds DingTalk action nodes of one credential (and, for the HTTP credential, its authentication choice). */
export function dingTalkNodeFactory(credentials: Record<string, { id: string; name: string }>, baseParameters: Record<string, unknown> = {}) {
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

export const link = (to: string, index = 0) => ({ node: to, type: 'main', index });

/** A workflow as `n8n import:workflow` takes it. */
export const flow = (id: string, nodes: unknown[], connections: Record<string, unknown>) => ({ id, name: id, active: false, nodes, connections, settings: { executionOrder: 'v1' } });
