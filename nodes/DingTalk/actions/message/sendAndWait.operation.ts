import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION, updateDisplayOptions } from 'n8n-workflow';

import { MAX_USERS_PER_SEND } from '../../api/robot';
import { parseIdList } from '../../helpers/lists';
import { toRobotTemplate } from '../../helpers/messageContent';
import type { DingTalkClient } from '../../transport';
import {
	type ResponseLink,
	readSendAndWaitConfig,
	requireSignedResumeUrls,
	responseLinks,
} from './responseConfig';
import { sendGroupMessage, sendUserMessages } from './send';
import { openConversationIdField, userIdsField } from './targets';
import { limitWaitTimeOption, waitTillFrom } from './waitLimit';

import { requiredList, requiredString } from '../../../shared/parameters';

/** One card per user (each with links signed for that user): DingTalk's per-call maximum keeps it one page. */
export const MAX_RECIPIENTS = MAX_USERS_PER_SEND;

const formOptions: INodeProperties[] = [
	{
		displayName: 'Message Button Label',
		name: 'messageButtonLabel',
		type: 'string',
		default: 'Respond',
		description: 'The button in the DingTalk message that opens the response form',
	},
	{
		displayName: 'Response Form Title',
		name: 'responseFormTitle',
		type: 'string',
		default: '',
		description: 'Title of the form the person opens to respond',
	},
	{
		displayName: 'Response Form Description',
		name: 'responseFormDescription',
		type: 'string',
		default: '',
		description: 'Text above the form fields; the message when empty',
	},
	{
		displayName: 'Response Form Button Label',
		name: 'responseFormButtonLabel',
		type: 'string',
		default: 'Submit',
		description: 'The button that sends the response',
	},
];

const properties: INodeProperties[] = [
	{
		displayName: 'Send To',
		name: 'sendTo',
		type: 'options',
		default: 'users',
		options: [
			{
				name: 'Users',
				value: 'users',
				description: 'One message per user; the output says which user responded',
			},
			{
				name: 'Group',
				value: 'group',
				description:
					'One message in a group chat; anyone in it can respond, and DingTalk does not say who did',
			},
		],
		description: 'Whom the message with the response buttons goes to',
	},
	{
		...userIdsField,
		displayOptions: { show: { sendTo: ['users'] } },
		description: `Staff user IDs, separated by commas or new lines, or an expression giving an array; at most ${MAX_RECIPIENTS}. The first response resumes the workflow.`,
	},
	{ ...openConversationIdField, displayOptions: { show: { sendTo: ['group'] } } },
	{
		displayName: 'Title',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Approval required',
		description: 'The title DingTalk shows in the chat list and notification',
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 4 },
		description: 'The text of the message, in DingTalk Markdown',
	},
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		default: 'approval',
		options: [
			{
				name: 'Approval',
				value: 'approval',
				description: 'The person approves or disapproves with a button in the message',
			},
			{
				name: 'Free Text',
				value: 'freeText',
				description: 'The person writes a response in a form',
			},
			{
				name: 'Custom Form',
				value: 'customForm',
				description: 'The person fills in a form you define',
			},
		],
	},
	{
		displayName: 'Define Form',
		name: 'defineForm',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Using Fields Below', value: 'fields' },
			{ name: 'Using JSON', value: 'json' },
		],
		default: 'fields',
		displayOptions: { show: { responseType: ['customForm'] } },
	},
	{
		displayName: 'Form Fields',
		name: 'formFields',
		placeholder: 'Add Form Element',
		type: 'fixedCollection',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		displayOptions: { show: { responseType: ['customForm'], defineForm: ['fields'] } },
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [
					{
						displayName: 'Element Type',
						name: 'fieldType',
						type: 'options',
						default: 'text',
						description: 'The type of field to add to the form',
						options: [
							{
								name: 'Date',
								value: 'date',
							},
							{
								name: 'Dropdown List',
								value: 'dropdown',
							},
							{
								name: 'Email',
								value: 'email',
							},
							{
								name: 'Number',
								value: 'number',
							},
							{
								name: 'Text',
								value: 'text',
							},
							{
								name: 'Textarea',
								value: 'textarea',
							},
						],
					},
					{
						displayName: 'Field Name',
						name: 'fieldLabel',
						type: 'string',
						default: '',
						placeholder: 'e.g. What is your name?',
						description: 'Label that appears above the field;	also its key in the output',
						required: true,
					},
					{
						displayName: 'Field Options',
						name: 'fieldOptions',
						placeholder: 'Add Field Option',
						description: 'List of options that can be selected from the dropdown',
						type: 'fixedCollection',
						default: {},
						required: true,
						options: [
							{
								displayName: 'Values',
								name: 'values',
								values: [
									{
										displayName: 'Option',
										name: 'option',
										type: 'string',
										default: '',
									},
								],
							},
						],
					},
					{
						displayName: 'Placeholder',
						name: 'placeholder',
						type: 'string',
						default: '',
						description: 'Sample text to display inside the field',
					},
					{
						displayName: 'Required Field',
						name: 'requiredField',
						type: 'boolean',
						default: false,
						description:
							'Whether to require the user to enter a value for this field before submitting',
					},
				],
			},
		],
	},
	{
		displayName: 'Form Fields JSON',
		name: 'jsonOutput',
		type: 'json',
		typeOptions: { rows: 5 },
		default:
			'[\n  {\n    "fieldLabel": "Name",\n    "requiredField": true\n  },\n  {\n    "fieldLabel": "Priority",\n    "fieldType": "dropdown",\n    "fieldOptions": { "values": [{ "option": "High" }, { "option": "Low" }] }\n  }\n]',
		description:
			"The fields as n8n's forms define them: a list of {fieldLabel, fieldType, requiredField, placeholder, fieldOptions}. Types: text, textarea, number, email, date, dropdown.",
		displayOptions: { show: { responseType: ['customForm'], defineForm: ['json'] } },
	},
	{
		displayName: 'Approval Options',
		name: 'approvalOptions',
		type: 'fixedCollection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { responseType: ['approval'] } },
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [
					{
						displayName: 'Type of Approval',
						name: 'approvalType',
						type: 'options',
						default: 'single',
						options: [
							{ name: 'Approve Only', value: 'single' },
							{ name: 'Approve and Disapprove', value: 'double' },
						],
					},
					{
						displayName: 'Approve Button Label',
						name: 'approveLabel',
						type: 'string',
						default: 'Approve',
						displayOptions: { show: { approvalType: ['single', 'double'] } },
					},
					{
						displayName: 'Disapprove Button Label',
						name: 'disapproveLabel',
						type: 'string',
						default: 'Decline',
						displayOptions: { show: { approvalType: ['double'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { responseType: ['approval'] } },
		options: [limitWaitTimeOption],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { responseType: ['freeText', 'customForm'] } },
		options: [...formOptions, limitWaitTimeOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: [SEND_AND_WAIT_OPERATION] } },
	properties,
);

/**
 * Sends the message with its signed response links and puts the execution to wait. As n8n's own Send and Wait
 * nodes, it sends once per node run (from the first item); n8n resumes the node through `webhook()`
 * (responseWebhook.ts) with the answer, or when the wait limit ends, with its input unchanged.
 */
export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const input = this.getInputData()[i]?.json ?? {};
	if (i > 0) return input;
	requireSignedResumeUrls(this);
	const config = readSendAndWaitConfig(this);
	const limit = this.getNodeParameter('options.limitWaitTime.values', 0, {}) as IDataObject;
	const waitTill = waitTillFrom(limit, Date.now());
	if (typeof waitTill === 'string')
		throw new NodeOperationError(this.getNode(), 'Could not configure Limit Wait Time', {
			description: waitTill,
		});
	const card = (links: ResponseLink[]) =>
		toRobotTemplate({
			type: 'actionCard',
			title: config.title,
			markdown: config.message,
			buttons: links.map((link) => ({ title: link.label, url: link.url })),
			layout: 'horizontal',
		});
	const sendTo = this.getNodeParameter('sendTo', 0, 'users') as string;
	if (sendTo === 'group') {
		const openConversationId = requiredString(
			this,
			'openConversationId',
			0,
			'Open Conversation ID',
		);
		await sendGroupMessage(client, openConversationId, card(responseLinks(this, config, {})));
	} else {
		const userIds = [...new Set(requiredList(this, 'userIds', 0, 'User IDs', parseIdList))];
		if (userIds.length > MAX_RECIPIENTS)
			throw new NodeOperationError(
				this.getNode(),
				`At most ${MAX_RECIPIENTS} users can be asked at once (got ${userIds.length})`,
				{ description: 'Each user gets a message of their own, whose links say who responded.' },
			);
		const sent: string[] = [];
		for (const userId of userIds) {
			const links = responseLinks(this, config, { user: userId });
			const result = await sendUserMessages(client, [userId], card(links));
			sent.push(...result.sentUserIds);
		}
		if (sent.length === 0)
			throw new NodeOperationError(this.getNode(), 'No user received the message', {
				description:
					"The user IDs are unknown, outside the app's visible range, or flow-controlled by DingTalk; nothing to wait for.",
			});
	}
	await this.putExecutionToWait(waitTill);
	return input;
}
