import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteTodo } from '../../api/todo';
import type { DingTalkClient } from '../../transport';
import { taskIdField, todoUserField } from './fields';
import { unionIdOf } from './unionIds';

import { requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	todoUserField('Who deletes the to-do: its creator'),
	taskIdField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['todo'], operation: ['delete'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const userId = requiredString(this, 'userId', i, 'User', { extractValue: true });
	const taskId = requiredString(this, 'taskId', i, 'Task ID');
	const unionId = await unionIdOf.call(this, client, userId, i);
	const answer = await deleteTodo(client, unionId, taskId);
	return { taskId, deleted: answer.result === true };
}
