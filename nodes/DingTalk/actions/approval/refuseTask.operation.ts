import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { DingTalkClient } from '../../transport';
import { decideTask, decideTaskFields } from './shared';

export const description = updateDisplayOptions(
	{ show: { resource: ['approval'], operation: ['refuseTask'] } },
	decideTaskFields('refuseTask'),
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	return await decideTask(this, client, i, 'refuse');
}
