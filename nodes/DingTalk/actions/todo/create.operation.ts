import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseIdList } from '../../helpers/lists';
import { createTodo, type CreateTodoRequest } from '../../api/todo';
import type { DingTalkClient } from '../../transport';
import {
	descriptionField,
	detailUrlOf,
	dueTimeField,
	dueTimeMs,
	priorityField,
	priorityOf,
	todoUserField,
	userIdsField,
} from './fields';
import { unionIdOf, unionIdsOf } from './unionIds';

import { requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	todoUserField('Who creates the to-do; it is recorded as theirs'),
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Add the missing invoice to approval 2024-0815',
		description: 'What to do: the title shown in DingTalk To-do',
	},
	userIdsField(
		'executorUserIds',
		'Executor User IDs',
		"Who should do it, separated by commas; empty: the to-do is only in the creator's list",
	),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'App Detail URL',
				name: 'appUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/tickets/42',
				description:
					'The page a tap on the to-do opens in the DingTalk app; DingTalk requires this or PC Detail URL (either serves both)',
			},
			descriptionField,
			dueTimeField,
			userIdsField(
				'participantUserIds',
				'Participant User IDs',
				'Who follows the to-do without having to do it, separated by commas',
			),
			{
				displayName: 'PC Detail URL',
				name: 'pcUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/tickets/42',
				description:
					'The page a click on the to-do opens on the desktop; DingTalk requires this or App Detail URL (either serves both)',
			},
			priorityField,
			{
				displayName: 'Source ID',
				name: 'sourceId',
				type: 'string',
				default: '',
				description:
					'Your own ID for what the to-do is about; DingTalk refuses a second to-do with the same one ("task exist")',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['todo'], operation: ['create'] } },
	properties,
);

interface AdditionalFields {
	appUrl?: string;
	pcUrl?: string;
	description?: string;
	dueTime?: unknown;
	participantUserIds?: unknown;
	priority?: unknown;
	sourceId?: string;
}

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const userId = requiredString(this, 'userId', i, 'User', { extractValue: true });
	const subject = requiredString(this, 'subject', i, 'Subject');
	const executorUserIds = parseIdList(this.getNodeParameter('executorUserIds', i, ''));
	const fields = this.getNodeParameter('additionalFields', i, {}) as AdditionalFields;
	const participantUserIds = parseIdList(fields.participantUserIds);
	const dueTime = dueTimeMs(this, fields.dueTime, i);
	const priority = priorityOf(this, fields.priority, i);
	const detailUrl = detailUrlOf(this, fields.appUrl, fields.pcUrl, i);

	const unionId = await unionIdOf.call(this, client, userId, i);
	const request: CreateTodoRequest = { subject, creatorId: unionId, detailUrl };
	if (executorUserIds.length)
		request.executorIds = await unionIdsOf.call(this, client, executorUserIds, i);
	if (participantUserIds.length)
		request.participantIds = await unionIdsOf.call(this, client, participantUserIds, i);
	if (fields.description) request.description = fields.description;
	if (dueTime !== undefined) request.dueTime = dueTime;
	if (priority !== undefined) request.priority = priority;
	if (fields.sourceId) request.sourceId = fields.sourceId;

	const created = await createTodo(client, unionId, request);
	return { taskId: created.id, ...created };
}
