import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	ResourceMapperValue,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { type ApproverStep, type FormComponentValue, startInstance } from '../../api/approval';
import { formComponentValues, formValuesFromJson } from '../../helpers/approvalForm';
import { parseIdList } from '../../helpers/lists';
import type { DingTalkClient } from '../../transport';
import { formFieldsFor, processCodeField } from './shared';

import { requiredString } from '../../../shared/parameters';

const show = { resource: ['approval'], operation: ['create'] };

const properties: INodeProperties[] = [
	processCodeField('create'),
	{
		displayName: 'Originator User ID',
		name: 'originatorUserId',
		type: 'string',
		required: true,
		default: '',
		description: 'The user ID of the person the approval is submitted for (its originator)',
	},
	{
		displayName: 'Department ID',
		name: 'deptId',
		type: 'number',
		default: -1,
		description:
			"The originator's department the approval is submitted from; -1 is the root department",
	},
	{
		displayName: 'Form Input',
		name: 'formInput',
		type: 'options',
		options: [
			{
				name: 'Map Each Field',
				value: 'mapped',
				description: "Fill the template's fields by label; values are checked before sending",
			},
			{
				name: 'JSON',
				value: 'json',
				description: 'Give the form values as JSON (for details tables and other complex fields)',
			},
		],
		default: 'mapped',
	},
	{
		displayName: 'Form Values',
		name: 'formValues',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['processCode'],
			resourceMapper: {
				resourceMapperMethod: 'getApprovalFormFields',
				mode: 'add',
				fieldWords: { singular: 'field', plural: 'fields' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
			},
		},
		displayOptions: { show: { formInput: ['mapped'] } },
	},
	{
		displayName: 'Form Values (JSON)',
		name: 'formValuesJson',
		type: 'json',
		default: '{\n  "Reason": "Taxi to the airport"\n}',
		description:
			'An object by field label, or DingTalk\'s own list: [{"name": "Reason", "value": "Taxi"}]',
		displayOptions: { show: { formInput: ['json'] } },
	},
	{
		displayName: 'Approvers',
		name: 'approvers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Approval Step',
		default: {},
		description:
			"Approval steps in order, for templates that let the submitter choose approvers; leave empty to follow the template's own chain",
		options: [
			{
				displayName: 'Step',
				name: 'step',
				values: [
					{
						displayName: 'User IDs',
						name: 'userIds',
						type: 'string',
						default: '',
						description: 'Approvers of this step (user IDs, separated by commas)',
					},
					{
						displayName: 'Action Type',
						name: 'actionType',
						type: 'options',
						options: [
							{ name: 'Any One (OR)', value: 'OR' },
							{ name: 'Everyone (AND)', value: 'AND' },
							{ name: 'Single Approver (NONE)', value: 'NONE' },
						],
						default: 'OR',
						description: 'Whether one approval is enough or everyone must approve',
					},
				],
			},
		],
	},
	{
		displayName: 'CC User IDs',
		name: 'ccList',
		type: 'string',
		default: '',
		description: 'Users who receive a copy of the approval (user IDs, separated by commas)',
	},
	{
		displayName: 'CC When',
		name: 'ccPosition',
		type: 'options',
		options: [
			{ name: 'At Start', value: 'START' },
			{ name: 'At Finish', value: 'FINISH' },
			{ name: 'At Start and Finish', value: 'START_FINISH' },
		],
		default: 'START',
		description: 'When the CC users get their copy',
	},
];

export const description = updateDisplayOptions({ show }, properties);

/** The form values to send, or why they cannot be sent. */
async function formValues(
	context: IExecuteFunctions,
	client: DingTalkClient,
	processCode: string,
	i: number,
): Promise<{ values: FormComponentValue[] } | { problem: string }> {
	if (context.getNodeParameter('formInput', i, 'mapped') === 'json') {
		const raw = context.getNodeParameter('formValuesJson', i, '{}') as unknown;
		let json: unknown = raw;
		if (typeof raw === 'string') {
			try {
				json = JSON.parse(raw);
			} catch {
				return { problem: '"Form Values (JSON)" is not valid JSON' };
			}
		}
		return formValuesFromJson(json);
	}
	const mapper = context.getNodeParameter('formValues', i, {}) as Partial<ResourceMapperValue>;
	const byLabel = (mapper.value ?? {}) as Record<string, unknown>;
	return formComponentValues(await formFieldsFor(context, client, processCode), byLabel);
}

function approverSteps(context: IExecuteFunctions, i: number): ApproverStep[] {
	const steps = (context.getNodeParameter('approvers.step', i, []) ?? []) as Array<{
		userIds?: unknown;
		actionType?: string;
	}>;
	return steps
		.map((step) => ({
			actionType: (['AND', 'OR', 'NONE'].includes(String(step.actionType))
				? step.actionType
				: 'OR') as ApproverStep['actionType'],
			userIds: parseIdList(step.userIds),
		}))
		.filter((step) => step.userIds.length > 0);
}

/** Starts an approval: the form is checked against the template's schema before DingTalk sees it. */
export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const processCode = requiredString(this, 'processCode', i, 'Process Code');
	const originatorUserId = requiredString(this, 'originatorUserId', i, 'Originator User ID');
	const deptId = Number(this.getNodeParameter('deptId', i, -1));
	if (!Number.isSafeInteger(deptId))
		throw new NodeOperationError(this.getNode(), '"Department ID" must be a whole number', {
			itemIndex: i,
		});
	const form = await formValues(this, client, processCode, i);
	if ('problem' in form)
		throw new NodeOperationError(this.getNode(), form.problem, {
			itemIndex: i,
			description:
				'Nothing was sent to DingTalk. Get Form Schema lists the fields, their types and options.',
		});
	const approvers = approverSteps(this, i);
	const ccList = parseIdList(this.getNodeParameter('ccList', i, ''));
	const answer = await startInstance(client, {
		processCode,
		originatorUserId,
		deptId,
		formComponentValues: form.values,
		...(approvers.length ? { approvers } : {}),
		...(ccList.length
			? {
					ccList,
					ccPosition: this.getNodeParameter('ccPosition', i, 'START') as
						| 'START'
						| 'FINISH'
						| 'START_FINISH',
				}
			: {}),
	});
	if (!answer.instanceId)
		throw new NodeOperationError(
			this.getNode(),
			'DingTalk answered without an approval instance ID',
			{
				itemIndex: i,
			},
		);
	return { processInstanceId: answer.instanceId };
}
