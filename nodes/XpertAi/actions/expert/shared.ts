import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { requiredString } from '../../../shared/parameters';
import { threadIdFor, type XpertClient } from '../../transport/xpertApi';
import { expertIdOf } from '../common';

// What Ask and Ask (Streaming) share: the message and its options, reading them, and the session's thread.

export const messageField: INodeProperties = {
	displayName: 'Message',
	name: 'message',
	type: 'string',
	typeOptions: { rows: 3 },
	default: '={{ $json.text }}',
	required: true,
	description: "What the user says to the expert (the DingTalk Trigger's text by default)",
};

export const askOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Files',
			name: 'files',
			type: 'json',
			default: '[]',
			description:
				'Files for the expert, as a JSON array of the file objects Xpert AI returns when a file is uploaded to it (sent as message.input.files; the exact object shape is not documented publicly)',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			default: 120,
			description: 'How long to wait for the whole answer',
		},
	],
};

/** Opens (or reuses) the session's thread; returns its ID. Threads get a name-based ID, so reuse needs no lookup. */
export async function openThread(
	xpert: XpertClient,
	expertId: string,
	sessionKey: string,
): Promise<string> {
	const threadId = sessionKey ? threadIdFor(expertId, sessionKey) : randomUUID();
	await xpert.request({
		method: 'POST',
		path: '/threads',
		body: {
			thread_id: threadId,
			assistant_id: expertId,
			metadata: { title: sessionKey || 'n8n', sessionKey },
			if_exists: 'do_nothing',
		},
	});
	return threadId;
}

export function readAsk(this: IExecuteFunctions, i: number) {
	const expertId = expertIdOf(this, i);
	const message = requiredString(this, 'message', i, 'Message', { message: 'Message is empty' });
	const sessionKey = String(this.getNodeParameter('sessionKey', i, '') ?? '').trim();
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const timeoutMs = Math.max(1, Number(options.timeout ?? 120)) * 1000;
	const files = parseFiles(this, options.files, i);
	return { expertId, message, sessionKey, timeoutMs, options, files };
}

function parseFiles(
	context: IExecuteFunctions,
	value: unknown,
	i: number,
): IDataObject[] | undefined {
	if (value === undefined || value === '' || value === '[]') return undefined;
	let files: unknown = value;
	if (typeof value === 'string') {
		try {
			files = JSON.parse(value);
		} catch {
			files = undefined;
		}
	}
	if (!Array.isArray(files))
		throw new NodeOperationError(context.getNode(), 'Files must be a JSON array of file objects', {
			itemIndex: i,
		});
	return files.length ? (files as IDataObject[]) : undefined;
}
