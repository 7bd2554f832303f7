import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { listInstanceIdsPage, MAX_INSTANCE_ID_PAGE } from '../../api/approval';
import { returnAllAndLimit } from '../../descriptions/common';
import { parseIdList } from '../../helpers/lists';
import type { DingTalkClient } from '../../transport';
import { processCodeField } from './shared';

import { requiredString, returnAllLimit } from '../../../shared/parameters';

const show = { resource: ['approval'], operation: ['getAll'] };

const properties: INodeProperties[] = [
	processCodeField('getAll'),
	{
		displayName: 'Start Time',
		name: 'startTime',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'List approvals created at or after this time',
	},
	{
		displayName: 'End Time',
		name: 'endTime',
		type: 'dateTime',
		default: '',
		description: 'List approvals created up to this time (empty: until now)',
	},
	...returnAllAndLimit(show),
	{
		displayName: 'Originator User IDs',
		name: 'userIds',
		type: 'string',
		default: '',
		description: 'Only approvals submitted by these users (user IDs, separated by commas)',
	},
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: [
			{ name: 'Running', value: 'RUNNING' },
			{ name: 'Completed', value: 'COMPLETED' },
			{ name: 'Terminated', value: 'TERMINATED' },
		],
		default: [],
		description: 'Only approvals in these states (none chosen: all)',
	},
];

export const description = updateDisplayOptions({ show }, properties);

function epochMs(
	context: IExecuteFunctions,
	name: string,
	label: string,
	i: number,
): number | undefined {
	const value = context.getNodeParameter(name, i, '') as string;
	if (value === '' || value === null || value === undefined) return undefined;
	const ms = new Date(String(value)).getTime();
	if (!Number.isFinite(ms))
		throw new NodeOperationError(
			context.getNode(),
			`"${label}" is not a date: "${String(value)}"`,
			{
				itemIndex: i,
			},
		);
	return ms;
}

/** Pages through DingTalk's instance IDs (nextToken, at most 20 a page) up to the limit. */
export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject[]> {
	const processCode = requiredString(this, 'processCode', i, 'Process Code');
	const startTime = epochMs(this, 'startTime', 'Start Time', i);
	if (startTime === undefined)
		throw new NodeOperationError(this.getNode(), '"Start Time" is empty', { itemIndex: i });
	const endTime = epochMs(this, 'endTime', 'End Time', i);
	const userIds = parseIdList(this.getNodeParameter('userIds', i, ''));
	const statuses = this.getNodeParameter('statuses', i, []) as string[];
	const limit = returnAllLimit(this, i);

	const ids: string[] = [];
	const tokensSeen = new Set<number>();
	let nextToken = 0;
	while (ids.length < limit) {
		const page = await listInstanceIdsPage(client, {
			processCode,
			startTime,
			...(endTime === undefined ? {} : { endTime }),
			nextToken,
			maxResults: Math.min(MAX_INSTANCE_ID_PAGE, limit - ids.length),
			...(userIds.length ? { userIds } : {}),
			...(statuses.length ? { statuses } : {}),
		});
		const list = Array.isArray(page.list) ? page.list : [];
		for (const id of list.slice(0, limit - ids.length)) ids.push(String(id));
		const next = Number(page.nextToken);
		// No token, an empty page, or a token already used (DingTalk would page forever): the list is done.
		if (page.nextToken === undefined || page.nextToken === '' || list.length === 0) break;
		if (!Number.isSafeInteger(next) || tokensSeen.has(next)) break;
		tokensSeen.add(next);
		nextToken = next;
	}
	return ids.map((processInstanceId) => ({ processInstanceId }));
}
