import type { INodeProperties } from 'n8n-workflow';

import type { DingTalkOperation } from '../node.type';
import * as approveTask from './approveTask.operation';
import * as comment from './comment.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getFormSchema from './getFormSchema.operation';
import * as refuseTask from './refuseTask.operation';
import * as terminate from './terminate.operation';

export const operations: Record<string, DingTalkOperation> = {
	create,
	get,
	getAll,
	approveTask,
	refuseTask,
	comment,
	terminate,
	getFormSchema,
};

/**
 * The texts an AI agent reads when the node is a tool: each says what the operation does, what it needs and what
 * it returns. Creating or deciding an approval should sit behind n8n's human review (README, "Approvals").
 */
export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['approval'] } },
		options: [
			{
				name: 'Approve Task',
				value: 'approveTask',
				action: 'Approve an approval task',
				description:
					"Agree to an approver's running task, as that approver: needs the instance ID, the task ID and the approver's user ID (Get lists them)",
			},
			{
				name: 'Comment',
				value: 'comment',
				action: 'Comment on an approval',
				description: "Add a comment to an approval's history as a given user",
			},
			{
				name: 'Create',
				value: 'create',
				action: 'Create an approval',
				description:
					'Submit a new approval (OA 审批) from a template for an originator, with the form filled by field label; returns the instance ID',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get an approval',
				description:
					'Get one approval by instance ID: status (RUNNING, COMPLETED, TERMINATED), result (agree, refuse), the form by label, the tasks with their IDs and approvers, and the history',
			},
			{
				name: 'Get Form Schema',
				value: 'getFormSchema',
				action: 'Get the form schema of an approval template',
				description:
					"List a template's form fields: label, type, whether required, and a select field's options",
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many approvals',
				description:
					'List the instance IDs of a template’s approvals created in a time range, optionally by originator or status',
			},
			{
				name: 'Refuse Task',
				value: 'refuseTask',
				action: 'Refuse an approval task',
				description:
					"Refuse an approver's running task, as that approver, which ends the approval as refused: needs the instance ID, the task ID and the approver's user ID",
			},
			{
				name: 'Terminate',
				value: 'terminate',
				action: 'Terminate an approval',
				description: 'Revoke a running approval (撤销), as its originator or an administrator',
			},
		],
		default: 'get',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...approveTask.description,
	...refuseTask.description,
	...comment.description,
	...terminate.description,
	...getFormSchema.description,
];
