import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { addComment } from '../../api/approval';
import type { DingTalkClient } from '../../transport';
import { processInstanceIdField, textField } from './shared';

import { requiredString } from '../../../shared/parameters';

export const description = updateDisplayOptions(
	{ show: { resource: ['approval'], operation: ['comment'] } },
	[
		processInstanceIdField('comment'),
		textField(
			'comment',
			'commentUserId',
			'Comment User ID',
			'The user ID the comment is posted as (shown in the approval history)',
		),
		textField('comment', 'text', 'Text', 'The comment', { typeOptions: { rows: 3 } }),
	],
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const processInstanceId = requiredString(this, 'processInstanceId', i, 'Process Instance ID');
	const commentUserId = requiredString(this, 'commentUserId', i, 'Comment User ID');
	const text = requiredString(this, 'text', i, 'Text');
	await addComment(client, { processInstanceId, commentUserId, text });
	return { processInstanceId, commentUserId, success: true };
}
