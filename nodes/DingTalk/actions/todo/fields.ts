import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { userLocator } from '../../descriptions/common';
import { TODO_PRIORITIES, type TodoDetailUrl, type TodoPriority } from '../../api/todo';
import { parseInZone } from '../../helpers/zonedTime';

/** Said on every user field of the To-do resource: the API takes union IDs, the builder gives user IDs. */
export const USER_IDS_HINT =
	"User IDs, as the DingTalk Trigger gives them; the node looks up each one's union ID";

/** Whose to-do list the operation works on, and as whom DingTalk records it. */
export function todoUserField(description: string): INodeProperties {
	return userLocator({
		name: 'userId',
		displayName: 'User',
		description,
		hint: "A user ID, as the DingTalk Trigger gives it; the node looks up the user's union ID",
	});
}

export function userIdsField(
	name: string,
	displayName: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		default: '',
		placeholder: 'manager1234, user5678',
		description,
		hint: USER_IDS_HINT,
	};
}

export const taskIdField: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'OPxxxxxxxxxxxxxxxx',
	description: 'The to-do, as Create or Get Many output it (taskId)',
};

export const dueTimeField: INodeProperties = {
	displayName: 'Due Time',
	name: 'dueTime',
	type: 'dateTime',
	default: '',
	description: 'When the to-do is due',
};

export const descriptionField: INodeProperties = {
	displayName: 'Description',
	name: 'description',
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	description: 'More about what to do, shown under the subject',
};

export const priorityField: INodeProperties = {
	displayName: 'Priority',
	name: 'priority',
	type: 'options',
	options: [
		{ name: 'Low', value: 10 },
		{ name: 'Normal', value: 20 },
		{ name: 'Urgent', value: 30 },
		{ name: 'Very Urgent', value: 40 },
	],
	default: 20,
	description: "The to-do's priority in DingTalk",
};

/**
 * Epoch milliseconds from what a date field or an expression gives: a date text (without an offset: in the workflow's
 * time zone, as n8n's date picker means it), epoch milliseconds, or a Luxon DateTime.
 */
export function dueTimeMs(
	context: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const withMillis = value as { toMillis?: () => number };
	let ms: number;
	if (typeof withMillis.toMillis === 'function') ms = withMillis.toMillis();
	else if (typeof value === 'number') ms = value;
	else if (/^\d{1,16}$/.test(String(value).trim())) ms = Number(String(value).trim());
	else ms = parseInZone(String(value), context.getTimezone());
	if (!Number.isSafeInteger(ms) || ms <= 0)
		throw new NodeOperationError(
			context.getNode(),
			`"Due Time" is not a date: ${String(value).slice(0, 64)}`,
			{ itemIndex },
		);
	return ms;
}

export function priorityOf(
	context: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
): TodoPriority | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const priority = Number(value);
	if (!TODO_PRIORITIES.includes(priority as TodoPriority))
		throw new NodeOperationError(
			context.getNode(),
			`"Priority" must be 10 (low), 20 (normal), 30 (urgent) or 40 (very urgent), not ${String(value).slice(0, 32)}`,
			{ itemIndex },
		);
	return priority as TodoPriority;
}

const LINK_SCHEMES = new Set(['https:', 'http:', 'dingtalk:']);

function checkedLink(
	context: IExecuteFunctions,
	label: string,
	value: unknown,
	itemIndex: number,
): string | undefined {
	const text = String(value ?? '').trim();
	if (!text) return undefined;
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || !LINK_SCHEMES.has(url.protocol))
		throw new NodeOperationError(
			context.getNode(),
			`"${label}" must be an https://, http:// or dingtalk:// link`,
			{ itemIndex },
		);
	return text;
}

/**
 * The to-do's detail link. DingTalk requires one since 2024-02 (protocol notes §8.4; the SDK models do not mark it
 * required: UNCONFIRMED), so an empty pair stops the item with what to fill; one link alone serves both.
 */
export function detailUrlOf(
	context: IExecuteFunctions,
	appUrl: unknown,
	pcUrl: unknown,
	itemIndex: number,
): TodoDetailUrl {
	const app = checkedLink(context, 'App Detail URL', appUrl, itemIndex);
	const pc = checkedLink(context, 'PC Detail URL', pcUrl, itemIndex);
	if (!app && !pc)
		throw new NodeOperationError(
			context.getNode(),
			'DingTalk requires a detail link for a to-do: add "App Detail URL" or "PC Detail URL" under Additional Fields',
			{
				itemIndex,
				description:
					'The page the to-do is about (the approval, ticket or document); a click on the to-do opens it. One link serves both the mobile app and the desktop.',
			},
		);
	return { appUrl: (app ?? pc) as string, pcUrl: (pc ?? app) as string };
}
