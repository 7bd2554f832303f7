import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { requiredString } from '../../../shared/parameters';

import { threadIdFor, type XpertClient } from '../../transport/xpertApi';
import { expertIdOf, expertLocator, sessionKeyField } from '../common';

const properties: INodeProperties[] = [
	{
		displayName:
			'Deletes the Xpert thread of a session, so the next message starts a fresh conversation (use it on the DingTalk Trigger\'s "end session" card clicks: their item has endedSessionId).',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
	expertLocator,
	{
		...sessionKeyField,
		default: '={{ $json.endedSessionId || $json.sessionId }}',
		description: 'The session whose thread is deleted',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['delete'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	xpert: XpertClient,
	i: number,
): Promise<IDataObject> {
	const expertId = expertIdOf(this, i);
	const sessionKey = requiredString(this, 'sessionKey', i, 'Session Key', {
		message: 'Session Key is empty: which conversation should end?',
	});
	const threadId = threadIdFor(expertId, sessionKey);
	// The session never reached the expert, or its thread is gone already: nothing to delete is not a failure.
	if (!(await xpert.delete(`/threads/${threadId}`)))
		return { deleted: false, reason: 'no such thread', threadId, sessionKey };
	return { deleted: true, threadId, sessionKey };
}
