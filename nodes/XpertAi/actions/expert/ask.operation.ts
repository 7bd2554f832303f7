import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sendInput, textOf, type XpertClient } from '../../transport/xpertApi';
import { expertLocator, sessionKeyField } from '../common';
import { askOptions, messageField, openThread, readAsk } from './shared';

const properties: INodeProperties[] = [expertLocator, messageField, sessionKeyField, askOptions];

export const description = updateDisplayOptions(
	{ show: { resource: ['expert'], operation: ['ask'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	xpert: XpertClient,
	i: number,
): Promise<IDataObject> {
	const { expertId, message, sessionKey, timeoutMs, files } = readAsk.call(this, i);
	const threadId = await openThread(xpert, expertId, sessionKey);
	const result = await xpert.request<{ content?: unknown }>({
		method: 'POST',
		path: `/threads/${threadId}/runs/wait`,
		body: { assistant_id: expertId, input: sendInput(message, files) },
		timeoutMs,
	});
	return { answer: textOf(result?.content ?? result), expertId, threadId, sessionKey };
}
