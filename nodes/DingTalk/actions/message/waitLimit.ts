import { type INodeProperties, WAIT_INDEFINITELY } from 'n8n-workflow';

/** n8n's "Limit Wait Time" option of Send and Wait, with its names and defaults, so workflows read the same. */
export const limitWaitTimeOption: INodeProperties = {
	displayName: 'Limit Wait Time',
	name: 'limitWaitTime',
	type: 'fixedCollection',
	description:
		'Whether to limit the time this node should wait for a response before the execution resumes without one',
	default: { values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' } },
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Limit Type',
					name: 'limitType',
					type: 'options',
					default: 'afterTimeInterval',
					description: 'Whether to stop waiting after an interval or at a date and time',
					options: [
						{
							name: 'After Time Interval',
							description: 'Waits for a certain amount of time',
							value: 'afterTimeInterval',
						},
						{
							name: 'At Specified Time',
							description: 'Waits until the set date and time',
							value: 'atSpecifiedTime',
						},
					],
				},
				{
					displayName: 'Amount',
					name: 'resumeAmount',
					type: 'number',
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: 1,
					description: 'The time to wait',
				},
				{
					displayName: 'Unit',
					name: 'resumeUnit',
					type: 'options',
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
					options: [
						{ name: 'Minutes', value: 'minutes' },
						{ name: 'Hours', value: 'hours' },
						{ name: 'Days', value: 'days' },
					],
					default: 'hours',
					description: 'Unit of the interval value',
				},
				{
					displayName: 'Max Date and Time',
					name: 'maxDateAndTime',
					type: 'dateTime',
					displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
					default: '',
					description: 'Stop waiting at this date and time',
				},
			],
		},
	],
};

export interface WaitLimit {
	limitType?: string;
	resumeAmount?: number;
	resumeUnit?: string;
	maxDateAndTime?: string;
}

const UNIT_MS: Record<string, number> = {
	minutes: 60_000,
	hours: 3_600_000,
	days: 86_400_000,
};

/**
 * When the wait ends without an answer: as n8n's configureWaitTillDate, no limit waits indefinitely, an interval
 * counts from `now`, a date is taken as given. Returns an error text for a limit that cannot be a date.
 */
export function waitTillFrom(limit: WaitLimit | undefined, now: number): Date | string {
	if (!limit || Object.keys(limit).length === 0) return WAIT_INDEFINITELY;
	if ((limit.limitType ?? 'afterTimeInterval') === 'afterTimeInterval') {
		const amount = Number(limit.resumeAmount ?? 1);
		const unit = UNIT_MS[limit.resumeUnit ?? 'hours'];
		if (!Number.isFinite(amount) || amount < 0 || unit === undefined)
			return 'The wait time must be a number of minutes, hours or days, 0 or more';
		const till = new Date(now + amount * unit);
		return Number.isNaN(till.getTime()) ? 'The wait time is too long' : till;
	}
	const till = new Date(String(limit.maxDateAndTime ?? ''));
	return Number.isNaN(till.getTime()) ? 'The Max Date and Time is not a valid date' : till;
}
