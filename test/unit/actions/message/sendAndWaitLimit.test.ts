/** Send and Wait's "Limit Wait Time": each setting on its own, with n8n's defaults when a field is left out. */
import { WAIT_INDEFINITELY } from 'n8n-workflow';

import { waitTillFrom } from '../../../../nodes/DingTalk/actions/message/waitLimit';

const now = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

describe('Send and Wait: Limit Wait Time, field by field', () => {
	it('waits indefinitely when no limit is set at all', () => {
		expect(waitTillFrom(undefined, now)).toBe(WAIT_INDEFINITELY);
	});

	it('counts an interval in minutes, hours or days from now', () => {
		expect(waitTillFrom({ resumeAmount: 3, resumeUnit: 'minutes' }, now)).toEqual(
			new Date(now + 3 * 60_000),
		);
		expect(waitTillFrom({ resumeAmount: 3, resumeUnit: 'hours' }, now)).toEqual(
			new Date(now + 3 * HOUR),
		);
		expect(
			waitTillFrom({ limitType: 'afterTimeInterval', resumeAmount: 3, resumeUnit: 'days' }, now),
		).toEqual(new Date(now + 3 * 24 * HOUR));
	});

	it('takes n8n’s defaults for a missing amount (1) and unit (hours)', () => {
		expect(waitTillFrom({ resumeUnit: 'days' }, now)).toEqual(new Date(now + 24 * HOUR));
		expect(waitTillFrom({ resumeAmount: 2 }, now)).toEqual(new Date(now + 2 * HOUR));
		expect(waitTillFrom({ limitType: 'afterTimeInterval' }, now)).toEqual(new Date(now + HOUR));
	});

	it('takes an interval of 0 (resume at once)', () => {
		expect(waitTillFrom({ resumeAmount: 0, resumeUnit: 'minutes' }, now)).toEqual(new Date(now));
	});

	it('waits until the date and time given', () => {
		expect(
			waitTillFrom({ limitType: 'atSpecifiedTime', maxDateAndTime: '2026-02-03T04:05:06Z' }, now),
		).toEqual(new Date('2026-02-03T04:05:06Z'));
	});

	it.each([
		[
			{ resumeAmount: -1, resumeUnit: 'hours' },
			'The wait time must be a number of minutes, hours or days, 0 or more',
		],
		[
			{ resumeAmount: Number.NaN, resumeUnit: 'hours' },
			'The wait time must be a number of minutes, hours or days, 0 or more',
		],
		[
			{ resumeAmount: Infinity, resumeUnit: 'hours' },
			'The wait time must be a number of minutes, hours or days, 0 or more',
		],
		[
			{ resumeAmount: 1, resumeUnit: 'weeks' },
			'The wait time must be a number of minutes, hours or days, 0 or more',
		],
		[{ resumeAmount: 1e300, resumeUnit: 'days' }, 'The wait time is too long'],
		[
			{ limitType: 'atSpecifiedTime', maxDateAndTime: 'tomorrow-ish' },
			'The Max Date and Time is not a valid date',
		],
		[{ limitType: 'atSpecifiedTime' }, 'The Max Date and Time is not a valid date'],
	])('explains why %j is no date', (limit, reason) => {
		expect(waitTillFrom(limit, now)).toBe(reason);
	});
});
