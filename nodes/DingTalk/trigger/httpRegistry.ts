import { createHash } from 'crypto';
import type { INodeExecutionData } from 'n8n-workflow';

import type { HttpCallbackSettings } from '../http/HttpCallbackVerifier';
import type { PipelineOptions } from '../pipeline/options';
import type { DingTalkAppConfig } from '../transport';
import { HttpCallbackReceiver } from './HttpCallbackReceiver';

/**
 * The HTTP-mode triggers of this n8n process, one per trigger node (workflow, node, production or test: the caller's
 * key). n8n calls the webhook once per request, in a fresh context; what must outlive the requests (the receiver
 * with its pipeline: sessions, de-duplication, replay guard) lives here.
 */

/** A trigger node's configuration as n8n holds it (credential and parameters). */
export interface HttpTriggerSettings {
	app: DingTalkAppConfig;
	callback: HttpCallbackSettings;
	options: PipelineOptions;
}

export interface ActiveHttpTrigger {
	app: DingTalkAppConfig;
	receiver: HttpCallbackReceiver;
}

interface Entry extends ActiveHttpTrigger {
	/** A hash of the settings the receiver was built with, so no secret is held to compare them. */
	fingerprint: string;
	readAt: number;
}

/**
 * Reading a credential costs n8n a database read, a decryption and an expression-sandbox round trip; per callback
 * that halved HTTP mode's throughput. So a node's credential and options are read at most every few seconds (a changed
 * secret is in use within that time, and at once after the workflow is re-activated); in between, a callback costs
 * one map lookup. The receiver keeps its state across re-reads unless the settings changed.
 */
export const SETTINGS_TTL_MS = 5000;

const triggers = new Map<string, Entry>();

/** The node's trigger, reading its settings (`read`) when they are older than SETTINGS_TTL_MS or were never read. */
export async function activeHttpTrigger(
	key: string,
	read: () => Promise<HttpTriggerSettings>,
): Promise<ActiveHttpTrigger> {
	const cached = triggers.get(key);
	if (cached && Date.now() - cached.readAt < SETTINGS_TTL_MS) return cached;
	const { app, callback, options } = await read();
	const fingerprint = createHash('sha256')
		.update(JSON.stringify([callback, options]))
		.digest('hex');
	// Looked up again: another request may have read the settings while this one waited.
	const current = triggers.get(key);
	if (current && current.fingerprint !== fingerprint) current.receiver.close();
	const receiver =
		current?.fingerprint === fingerprint
			? current.receiver
			: new HttpCallbackReceiver(callback, options);
	const entry: Entry = { app, receiver, fingerprint, readAt: Date.now() };
	triggers.set(key, entry);
	return entry;
}

/** The node was activated or deactivated: its receiver closes (pending aggregates are sent) and its state goes. */
export function forgetHttpTrigger(key: string): void {
	triggers.get(key)?.receiver.close();
	triggers.delete(key);
}

/**
 * "Listen for test event" in HTTP mode. n8n runs a node that has a `trigger` method as a trigger in manual runs,
 * even when a test webhook started the run: it calls `trigger()` and waits for an emit, and the webhook's item is
 * not passed to it. So the webhook hands its item over here and the manual `trigger()` takes it. Manual runs
 * execute in the process that received the test webhook, so the hand-over stays in one process. Items outlive
 * `forgetHttpTrigger`: n8n may remove the test webhook before it calls `trigger()`.
 */
const testItems = new Map<string, INodeExecutionData[]>();

export function handOverTestItem(key: string, item: INodeExecutionData): void {
	testItems.set(key, [...(testItems.get(key) ?? []), item]);
}

/** The oldest item handed over for this node, once. */
export function takeTestItem(key: string): INodeExecutionData | undefined {
	const [item, ...rest] = testItems.get(key) ?? [];
	if (rest.length) testItems.set(key, rest);
	else testItems.delete(key);
	return item;
}
