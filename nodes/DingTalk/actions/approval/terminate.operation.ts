import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { terminateInstance } from '../../api/approval';
import type { DingTalkClient } from '../../transport';
import { processInstanceIdField, textField } from './shared';

import { requiredString } from '../../../shared/parameters';

export const description = updateDisplayOptions(
	{ show: { resource: ['approval'], operation: ['terminate'] } },
	[
		processInstanceIdField('terminate'),
		textField(
			'terminate',
			'operatingUserId',
			'Operating User ID',
			'The user ID who revokes the approval (usually its originator), shown in the approval history',
		),
		textField('terminate', 'remark', 'Remark', 'Why the approval is revoked', {
			required: false,
			typeOptions: { rows: 2 },
		}),
	],
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const processInstanceId = requiredString(this, 'processInstanceId', i, 'Process Instance ID');
	const operatingUserId = requiredString(this, 'operatingUserId', i, 'Operating User ID');
	const remark = String(this.getNodeParameter('remark', i, '') ?? '').trim();
	await terminateInstance(client, {
		processInstanceId,
		isSystem: false,
		operatingUserId,
		...(remark ? { remark } : {}),
	});
	return { processInstanceId, operatingUserId, success: true };
}
