/** Accepts IDs as an array or a string separated by commas, semicolons, spaces or new lines; trims and de-duplicates. */
export function parseIdList(value: unknown): string[] {
	const parts = Array.isArray(value)
		? value.flatMap((v) => parseIdList(v))
		: String(value ?? '').split(/[\s,;，；]+/);
	return [...new Set(parts.map((part) => String(part).trim()).filter(Boolean))];
}

export function chunk<T>(values: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < values.length; start += size)
		chunks.push(values.slice(start, start + size));
	return chunks;
}
