/**
 * n8n's date fields give a local date and time without an offset ("2026-12-24T10:00:00"), meant in the workflow's
 * time zone; `new Date()` would read it in the server's. These helpers read such a text in a named IANA zone.
 */
const LOCAL_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** The zone's offset from UTC at an instant, in milliseconds (+8 h for Asia/Shanghai). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(instantMs));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wallClock = Date.UTC(
		part('year'),
		part('month') - 1,
		part('day'),
		part('hour'),
		part('minute'),
		part('second'),
	);
	return wallClock - Math.floor(instantMs / 1000) * 1000;
}

/**
 * Epoch milliseconds of a date text: one without an offset is read in `timeZone` (an unknown zone: UTC), one with an
 * offset or a `Z` as written. NaN when it is no date.
 */
export function parseInZone(text: string, timeZone: string): number {
	const local = LOCAL_DATE_TIME.exec(text.trim());
	if (!local) return new Date(text).getTime();
	const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0'] = local;
	const asUtc = Date.UTC(
		Number(year),
		Number(month) - 1,
		Number(day),
		Number(hour),
		Number(minute),
		Number(second),
		Number(fraction.padEnd(3, '0')),
	);
	let offset: number;
	try {
		offset = zoneOffsetMs(asUtc, timeZone);
		// Near a daylight-saving change the offset at the result can differ from the first guess's.
		const corrected = zoneOffsetMs(asUtc - offset, timeZone);
		if (corrected !== offset) offset = corrected;
	} catch {
		offset = 0;
	}
	return asUtc - offset;
}
