import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	IRun,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';

import { DingTalkTrigger } from '../../../nodes/DingTalk/DingTalkTrigger.node';

/** What n8n's createDeferredPromise gives (its type lives in @n8n/utils, which this package does not depend on). */
interface Deferred<T> {
	promise: Promise<T>;
	resolve: (value: T) => void;
	reject: (error: Error) => void;
}

/** A trigger activated through a fake of n8n's `ITriggerFunctions`, and what it emitted. */
export interface ActiveFakeTrigger {
	/** The json of every item the trigger emitted on its main output, in order. */
	emitted: IDataObject[];
	logs: string[];
	close: () => Promise<void>;
}

/**
 * Activates a DingTalk Trigger as n8n does for a published workflow (`trigger()` with mode 'trigger'): the same
 * credential and parameters a saved node would hold. Each emitted run is reported finished and successful at once,
 * so the trigger ACKs after it (its default ACK policy).
 */
export async function activateTrigger(
	credentials: ICredentialDataDecryptedObject,
	parameters: Record<string, unknown> = {},
): Promise<ActiveFakeTrigger> {
	const emitted: IDataObject[] = [];
	const logs: string[] = [];
	const all: Record<string, unknown> = { mode: 'stream', ...parameters };
	const deferred = <T>(): Deferred<T> => {
		let resolve!: (value: T) => void;
		let reject!: (error: Error) => void;
		const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
		return { promise, resolve, reject };
	};
	const context = {
		getMode: () => 'trigger',
		getWorkflow: () => ({ id: 'wfConnection' }),
		getNode: () => ({ id: 'trigger-1', name: 'DingTalk Trigger' }),
		getCredentials: async () => ({ ...credentials }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in all ? all[name] : fallback),
		logger: Object.fromEntries(
			['debug', 'info', 'warn', 'error'].map((level) => [
				level,
				(message: string) => logs.push(`${level}: ${message}`),
			]),
		),
		helpers: { createDeferredPromise: deferred },
		emit: (data: INodeExecutionData[][], _response?: Deferred<unknown>, done?: Deferred<IRun>) => {
			for (const item of data[0] ?? []) emitted.push(item.json);
			done?.resolve({ status: 'success', data: { resultData: { runData: {} } } } as IRun);
		},
		emitError: (error: Error) => logs.push(`emitError: ${error.message}`),
	};
	const response: ITriggerResponse = await new DingTalkTrigger().trigger.call(
		context as unknown as ITriggerFunctions,
	);
	return { emitted, logs, close: async () => await response.closeFunction?.() };
}
