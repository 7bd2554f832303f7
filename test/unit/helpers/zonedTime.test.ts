import { parseInZone, zoneOffsetMs } from '../../../nodes/DingTalk/helpers/zonedTime';

describe('date texts in the workflow time zone', () => {
	it.each<[string, string, string]>([
		['2026-12-24T10:00:00', 'Asia/Shanghai', '2026-12-24T02:00:00.000Z'],
		['2026-12-24T10:00', 'Asia/Shanghai', '2026-12-24T02:00:00.000Z'],
		['2026-12-24 10:00:00.250', 'Asia/Shanghai', '2026-12-24T02:00:00.250Z'],
		['2026-12-24', 'Asia/Shanghai', '2026-12-23T16:00:00.000Z'],
		['2026-07-01T12:00:00', 'America/New_York', '2026-07-01T16:00:00.000Z'],
		['2026-01-15T12:00:00', 'America/New_York', '2026-01-15T17:00:00.000Z'],
		// The first hour after the spring-forward change (02:00 → 03:00 EDT).
		['2026-03-08T03:30:00', 'America/New_York', '2026-03-08T07:30:00.000Z'],
		['2026-12-24T10:00:00', 'UTC', '2026-12-24T10:00:00.000Z'],
		['2026-12-24T10:00:00', 'No/Such_Zone', '2026-12-24T10:00:00.000Z'],
	])('%s in %s is %s', (text, zone, iso) => {
		expect(new Date(parseInZone(text, zone)).toISOString()).toBe(iso);
	});

	it('a text with an offset or Z is taken as written, whatever the zone', () => {
		expect(parseInZone('2026-12-24T10:00:00Z', 'Asia/Shanghai')).toBe(
			Date.parse('2026-12-24T10:00:00Z'),
		);
		expect(parseInZone('2026-12-24T10:00:00+01:00', 'Asia/Shanghai')).toBe(
			Date.parse('2026-12-24T09:00:00Z'),
		);
		expect(parseInZone('next week', 'UTC')).toBeNaN();
	});

	it('knows the zone offset at an instant', () => {
		expect(zoneOffsetMs(Date.parse('2026-12-24T00:00:00Z'), 'Asia/Shanghai')).toBe(8 * 3_600_000);
		expect(zoneOffsetMs(Date.parse('2026-07-01T00:00:00Z'), 'America/New_York')).toBe(
			-4 * 3_600_000,
		);
	});
});
