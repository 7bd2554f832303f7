import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { threadIdFor, xpertRequest } from '../../transport/xpertApi';
import { expertIdOf, expertLocator, sessionKeyField } from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Deletes the Xpert thread of a session, so the next message starts a fresh conversation (use it on the DingTalk Trigger\'s "end session" card clicks: their item has endedSessionId).',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
	expertLocator,
	{ ...sessionKeyField, default: '={{ $json.endedSessionId || $json.sessionId }}', description: 'The session whose thread is deleted' },
];

export const description = updateDisplayOptions({ show: { resource: ['thread'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const expertId = expertIdOf(this, i);
	const sessionKey = String(this.getNodeParameter('sessionKey', i, '') ?? '').trim();
	if (!sessionKey) throw new NodeOperationError(this.getNode(), 'Session Key is empty: which conversation should end?', { itemIndex: i });
	const threadId = threadIdFor(expertId, sessionKey);
	try {
		await xpertRequest(this, { method: 'DELETE', path: `/threads/${threadId}` });
	} catch (error) {
		// The session never reached the expert, or its thread is gone already: nothing to delete is not a failure.
		if (error instanceof NodeApiError && error.httpCode === '404') return { deleted: false, reason: 'no such thread', threadId, sessionKey };
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- already a NodeApiError from xpertRequest
		throw error;
	}
	return { deleted: true, threadId, sessionKey };
}
