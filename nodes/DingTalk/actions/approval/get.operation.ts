import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getInstance } from '../../api/approval';
import { formByLabel } from '../../helpers/approvalForm';
import type { DingTalkClient } from '../../transport';
import { processInstanceIdField } from './shared';

import { requiredString } from '../../../shared/parameters';

export const description = updateDisplayOptions(
	{ show: { resource: ['approval'], operation: ['get'] } },
	[processInstanceIdField('get')],
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const processInstanceId = requiredString(this, 'processInstanceId', i, 'Process Instance ID');
	const instance = await getInstance(client, processInstanceId);
	const tasks = Array.isArray(instance.tasks) ? instance.tasks : [];
	return {
		processInstanceId,
		title: instance.title,
		status: instance.status,
		result: instance.result,
		originatorUserId: instance.originatorUserId,
		originatorDeptId: instance.originatorDeptId,
		createTime: instance.createTime,
		finishTime: instance.finishTime,
		form: formByLabel(instance.formComponentValues),
		formComponentValues: (instance.formComponentValues ?? []) as IDataObject[],
		tasks: tasks.map((task) => ({
			taskId: task.taskId,
			userId: task.userId,
			status: task.status,
			result: task.result,
			activityId: task.activityId,
			createTime: task.createTime,
			finishTime: task.finishTime,
		})),
		operationRecords: (instance.operationRecords ?? []) as IDataObject[],
	};
}
