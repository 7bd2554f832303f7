import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	type CallbackSecretsState,
	callbackSecretsState,
	type HttpCallbackSettings,
	SIGNATURE_ALGORITHMS,
} from '../http/HttpCallbackVerifier';
import type { PipelineOptions } from '../pipeline/options';
import { credentialIdentity, type DingTalkAppConfig } from '../transport';
import { decisionGateOf } from '../pipeline/Decisions';
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
	/** An active (published) workflow's trigger, not a "Listen for test event"; only these are in the status. */
	production?: boolean;
	/** The node's production webhook URL: what DingTalk's Developer Console must hold. */
	callbackUrl?: string;
}

export interface ActiveHttpTrigger {
	app: DingTalkAppConfig;
	receiver: HttpCallbackReceiver;
	activity: HttpCallbackActivity;
}

interface Entry extends ActiveHttpTrigger {
	/** A hash of the settings the receiver was built with, so no secret is held to compare them. */
	fingerprint: string;
	/** Who may see this trigger's status: `httpTriggerIdentity` of its credential. */
	identity: string;
	readAt: number;
	production: boolean;
	callbackUrl?: string;
	secrets: CallbackSecretsState;
}

/** The event-subscription secrets of a DingTalk HTTP API credential. */
export type CallbackSecrets = Pick<HttpCallbackSettings, 'callbackToken' | 'callbackAesKey'>;

/** Read one way for the trigger and for Get Status, so a copy of the trigger's credential is the same identity. */
export function callbackSecretsOf(credentials: ICredentialDataDecryptedObject): CallbackSecrets {
	return {
		callbackToken: String(credentials.callbackToken ?? '').trim(),
		callbackAesKey: String(credentials.callbackAesKey ?? '').trim(),
	};
}

/**
 * Who may see an HTTP-mode trigger's status: a credential with the same base URL, Client ID, Client Secret, Callback
 * Token and AES Key (a copy of the trigger's credential). All three secrets, because the trigger is all three: the
 * Client Secret checks robot callbacks, the Token and AES Key check and open event callbacks, and the status tells
 * about each of them (set, usable, last refusal); a credential holding only some of them did not set this trigger up.
 */
export function httpTriggerIdentity(
	app: Pick<DingTalkAppConfig, 'apiBaseUrl' | 'clientId' | 'clientSecret'>,
	secrets: CallbackSecrets,
): string {
	return credentialIdentity(app, secrets.callbackToken, secrets.callbackAesKey);
}

/** Refusal reasons are the verifier's fixed phrases; cut anyway, so a status stays small whatever reaches it. */
const MAX_REASON_CHARS = 80;

/**
 * What a trigger node's callbacks did since it was activated (Connection → Get Status): counts, the last accepted
 * callback, the last refusal's class. Never a request's content: only the reason the trigger itself gave.
 */
export class HttpCallbackActivity {
	private readonly since = Date.now();
	private accepted = 0;
	private refused = 0;
	private lastCallback?: { at: number; encrypted: boolean };
	private lastRefusal?: { at: number; status: number; reason: string };

	noteAccepted(encrypted: boolean): void {
		this.accepted++;
		this.lastCallback = { at: Date.now(), encrypted };
	}

	noteRefused(status: number, reason: string): void {
		this.refused++;
		this.lastRefusal = { at: Date.now(), status, reason: reason.slice(0, MAX_REASON_CHARS) };
	}

	snapshot(): IDataObject {
		const iso = (ms: number) => new Date(ms).toISOString();
		return {
			activeSince: iso(this.since),
			lastCallbackAt: this.lastCallback ? iso(this.lastCallback.at) : null,
			lastCallbackSignature: this.lastCallback
				? this.lastCallback.encrypted
					? 'SHA-1'
					: 'HmacSHA256'
				: null,
			lastRefusal: this.lastRefusal
				? {
						at: iso(this.lastRefusal.at),
						status: this.lastRefusal.status,
						reason: this.lastRefusal.reason,
					}
				: null,
			callbacksAccepted: this.accepted,
			callbacksRefused: this.refused,
		};
	}
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
	const { app, callback, options, production = false, callbackUrl } = await read();
	const fingerprint = createHash('sha256')
		.update(JSON.stringify([callback, options, app.apiBaseUrl]))
		.digest('hex');
	// Looked up again: another request may have read the settings while this one waited.
	const current = triggers.get(key);
	if (current && current.fingerprint !== fingerprint) current.receiver.close();
	const receiver =
		current?.fingerprint === fingerprint
			? current.receiver
			: new HttpCallbackReceiver(callback, options, Date.now, decisionGateOf(app));
	const entry: Entry = {
		app,
		receiver,
		// Counted since activation: a changed secret or option keeps the node's history.
		activity: current?.activity ?? new HttpCallbackActivity(),
		fingerprint,
		identity: httpTriggerIdentity(app, callback),
		readAt: Date.now(),
		production,
		callbackUrl,
		secrets: callbackSecretsState(callback),
	};
	triggers.set(key, entry);
	return entry;
}

/** The production URL a node's trigger was read with (the hooks tell a deactivation from a test webhook's removal). */
export function httpTriggerUrl(key: string): string | undefined {
	return triggers.get(key)?.callbackUrl;
}

/** The node was activated or deactivated: its receiver closes (pending aggregates are sent) and its state goes. */
export function forgetHttpTrigger(key: string): void {
	triggers.get(key)?.receiver.close();
	triggers.delete(key);
}

/**
 * The active HTTP-mode triggers of one credential identity (`httpTriggerIdentity`) in this process, as Connection →
 * Get Status shows them: where DingTalk must send callbacks, what they are checked with, whether the secrets are set
 * and usable (booleans, never the values), and what the callbacks did. Read-only.
 */
export function httpTriggerStatuses(identity: string): IDataObject[] {
	return [...triggers.values()]
		.filter((entry) => entry.production && entry.identity === identity)
		.map((entry) => {
			const encryptedCallbacks = entry.secrets.tokenSet && entry.secrets.aesKeyValid;
			return {
				callbackUrl: entry.callbackUrl ?? null,
				signatureAlgorithms: encryptedCallbacks
					? [SIGNATURE_ALGORITHMS.encrypted, SIGNATURE_ALGORITHMS.plain]
					: [SIGNATURE_ALGORITHMS.plain],
				encryptedCallbacks,
				...entry.secrets,
				...entry.activity.snapshot(),
			};
		});
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
