import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { executeTask, getFormSchema } from '../../api/approval';
import { type ApprovalFormField, formFields } from '../../helpers/approvalForm';
import type { DingTalkClient } from '../../transport';

import { requiredString } from '../../../shared/parameters';

/** The fields and helpers the Approval operations share. */

/** The approval template picker: the app's visible templates (loadOptions getApprovalTemplates), or an expression. */
export function processCodeField(operation: string): INodeProperties {
	return {
		displayName: 'Process Code Name or ID',
		name: 'processCode',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getApprovalTemplates' },
		required: true,
		default: '',
		displayOptions: { show: { resource: ['approval'], operation: [operation] } },
		// n8n's wording for a dynamic list; the list holds the approval templates the app can see (PROC-…).
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	};
}

/** A required text field of one operation. */
export function textField(
	operation: string | string[],
	name: string,
	displayName: string,
	description: string,
	overrides: Partial<INodeProperties> = {},
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		required: true,
		default: '',
		displayOptions: {
			show: {
				resource: ['approval'],
				operation: Array.isArray(operation) ? operation : [operation],
			},
		},
		description,
		...overrides,
	};
}

export const processInstanceIdField = (operation: string | string[]) =>
	textField(
		operation,
		'processInstanceId',
		'Process Instance ID',
		'The approval (instance) ID, as Create outputs it or the approval event carries it',
	);

/**
 * A template's form fields, fetched once per process code for this node's run: every item of a run that creates
 * approvals of one template shares one schema request. Keyed by the run's context, so nothing outlives the run.
 */
const schemasByRun = new WeakMap<object, Map<string, Promise<ApprovalFormField[]>>>();

export async function formFieldsFor(
	context: IExecuteFunctions,
	client: DingTalkClient,
	processCode: string,
): Promise<ApprovalFormField[]> {
	let schemas = schemasByRun.get(context);
	if (!schemas) {
		schemas = new Map();
		schemasByRun.set(context, schemas);
	}
	let fields = schemas.get(processCode);
	if (!fields) {
		fields = getFormSchema(client, processCode).then(formFields);
		// A failed fetch is not kept: the next item asks again (and reports its own error).
		fields.catch(() => schemas.delete(processCode));
		schemas.set(processCode, fields);
	}
	return await fields;
}

/** A task ID as DingTalk's execute takes it (a number); IDs from Get or an event may come as text. */
export function taskIdParameter(context: IExecuteFunctions, itemIndex: number): number {
	const text = requiredString(context, 'taskId', itemIndex, 'Task ID');
	const taskId = Number(text);
	if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(taskId))
		throw new NodeOperationError(context.getNode(), `"Task ID" must be a number, not "${text}"`, {
			itemIndex,
		});
	return taskId;
}

/** The fields Approve Task and Refuse Task share. */
export function decideTaskFields(operation: 'approveTask' | 'refuseTask'): INodeProperties[] {
	return [
		processInstanceIdField(operation),
		textField(
			operation,
			'taskId',
			'Task ID',
			"The approver's task to decide: Get lists the instance's tasks with their IDs and approvers (the running one has status RUNNING)",
		),
		textField(
			operation,
			'actionerUserId',
			'Actioner User ID',
			"The user ID of the task's approver, who decides it; DingTalk refuses anyone else",
		),
		textField(
			operation,
			'remark',
			'Remark',
			'The comment recorded with the decision, shown in the approval history',
			{ required: false, typeOptions: { rows: 2 } },
		),
	];
}

/** Approve Task / Refuse Task: executes the task with DingTalk's result. */
export async function decideTask(
	context: IExecuteFunctions,
	client: DingTalkClient,
	itemIndex: number,
	result: 'agree' | 'refuse',
): Promise<IDataObject> {
	const processInstanceId = requiredString(
		context,
		'processInstanceId',
		itemIndex,
		'Process Instance ID',
	);
	const taskId = taskIdParameter(context, itemIndex);
	const actionerUserId = requiredString(context, 'actionerUserId', itemIndex, 'Actioner User ID');
	const remark = String(context.getNodeParameter('remark', itemIndex, '') ?? '').trim();
	await executeTask(client, {
		processInstanceId,
		taskId,
		actionerUserId,
		result,
		...(remark ? { remark } : {}),
	});
	return { processInstanceId, taskId, result, success: true };
}
