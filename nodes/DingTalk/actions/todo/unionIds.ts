import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getUser } from '../../api/directory';
import { type DingTalkClient, DingTalkApiError } from '../../transport';

/**
 * The to-do API takes union IDs; the node, the trigger and the rest of DingTalk's robot APIs give user IDs. Each
 * user ID is looked up once per node run (User → Get answers both), kept with the run's client: a client belongs to
 * one credential and one execution, so no lookup outlives the run or crosses to another credential.
 */
type Lookup = { unionId: string } | { unresolved: string; hint?: string };

const lookupsByClient = new WeakMap<DingTalkClient, Map<string, Promise<Lookup>>>();

async function lookUp(client: DingTalkClient, userId: string): Promise<Lookup> {
	let user;
	try {
		user = await getUser(client, userId);
	} catch (error) {
		if (error instanceof DingTalkApiError && error.kind === 'userNotFound')
			return { unresolved: error.message, hint: error.hint };
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the router turns it into a node error with DingTalk's code and hint
		throw error;
	}
	const unionId = user.unionid;
	if (typeof unionId !== 'string' || unionId === '')
		return { unresolved: 'DingTalk answered without a union ID' };
	return { unionId };
}

/** The union ID of each user ID, in order; each distinct ID asks DingTalk once per run. */
export async function unionIdsOf(
	this: IExecuteFunctions,
	client: DingTalkClient,
	userIds: string[],
	itemIndex: number,
): Promise<string[]> {
	let lookups = lookupsByClient.get(client);
	if (!lookups) {
		lookups = new Map();
		lookupsByClient.set(client, lookups);
	}
	const unionIds: string[] = [];
	// One after another: a long executor list must not burst DingTalk's per-app QPS limit.
	for (const userId of userIds) {
		let lookup = lookups.get(userId);
		if (!lookup) {
			lookup = lookUp(client, userId);
			lookups.set(userId, lookup);
		}
		let found: Lookup;
		try {
			found = await lookup;
		} catch (error) {
			// Flow control or the network, after the client's retries: the next item asks again.
			lookups.delete(userId);
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the router turns it into a node error with DingTalk's code and hint
			throw error;
		}
		if ('unresolved' in found)
			throw new NodeOperationError(
				this.getNode(),
				`The user ID "${userId}" does not resolve to a union ID: ${found.unresolved}`,
				{
					itemIndex,
					description:
						found.hint ??
						'Give the user ID (staff userId) as the DingTalk Trigger and User → Get give it.',
				},
			);
		unionIds.push(found.unionId);
	}
	return unionIds;
}

/** The union ID of one user ID. */
export async function unionIdOf(
	this: IExecuteFunctions,
	client: DingTalkClient,
	userId: string,
	itemIndex: number,
): Promise<string> {
	const [unionId] = await unionIdsOf.call(this, client, [userId], itemIndex);
	return unionId;
}
