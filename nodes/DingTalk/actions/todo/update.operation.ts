import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { parseIdList } from '../../helpers/lists';
import { updateTodo, type UpdateTodoRequest } from '../../api/todo';
import type { DingTalkClient } from '../../transport';
import {
	descriptionField,
	dueTimeField,
	dueTimeMs,
	taskIdField,
	todoUserField,
	userIdsField,
} from './fields';
import { unionIdOf, unionIdsOf } from './unionIds';

import { requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	todoUserField('Who makes the change: the creator or an executor of the to-do'),
	taskIdField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			descriptionField,
			{
				displayName: 'Done',
				name: 'done',
				type: 'boolean',
				default: true,
				description: 'Whether the to-do is done (on) or open again (off)',
			},
			dueTimeField,
			userIdsField(
				'executorUserIds',
				'Executor User IDs',
				'Who should do it from now on, separated by commas (replaces the executors)',
			),
			userIdsField(
				'participantUserIds',
				'Participant User IDs',
				'Who follows the to-do from now on, separated by commas (replaces the participants)',
			),
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
				description: 'The new title of the to-do',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['todo'], operation: ['update'] } },
	properties,
);

interface UpdateFields {
	description?: string;
	done?: boolean;
	dueTime?: unknown;
	executorUserIds?: unknown;
	participantUserIds?: unknown;
	subject?: string;
}

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const userId = requiredString(this, 'userId', i, 'User', { extractValue: true });
	const taskId = requiredString(this, 'taskId', i, 'Task ID');
	const fields = this.getNodeParameter('updateFields', i, {}) as UpdateFields;
	const request: UpdateTodoRequest = {};
	if (fields.subject !== undefined) {
		const subject = String(fields.subject).trim();
		if (!subject)
			throw new NodeOperationError(this.getNode(), '"Subject" is empty', { itemIndex: i });
		request.subject = subject;
	}
	if (fields.description !== undefined) request.description = String(fields.description);
	if (fields.done !== undefined) request.done = Boolean(fields.done);
	const dueTime = dueTimeMs(this, fields.dueTime, i);
	if (dueTime !== undefined) request.dueTime = dueTime;
	const executorUserIds = parseIdList(fields.executorUserIds);
	const participantUserIds = parseIdList(fields.participantUserIds);
	if (Object.keys(request).length === 0 && !executorUserIds.length && !participantUserIds.length)
		throw new NodeOperationError(
			this.getNode(),
			'Nothing to update: add a field under Update Fields (e.g. Done)',
			{ itemIndex: i },
		);

	const unionId = await unionIdOf.call(this, client, userId, i);
	if (executorUserIds.length)
		request.executorIds = await unionIdsOf.call(this, client, executorUserIds, i);
	if (participantUserIds.length)
		request.participantIds = await unionIdsOf.call(this, client, participantUserIds, i);
	const answer = await updateTodo(client, unionId, taskId, request);
	return { taskId, success: answer.result === true, ...request };
}
