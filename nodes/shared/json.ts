/** A JSON object (not null, not an array): what every parser of DingTalk's input checks before reading fields. */
export function isJsonObject<T extends object = Record<string, unknown>>(
	value: unknown,
): value is T {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A text field: strings as they are, numbers as their digits, anything else empty (String() throws on some objects). */
export const textField = (value: unknown): string =>
	typeof value === 'string'
		? value
		: typeof value === 'number' && Number.isFinite(value)
			? String(value)
			: '';
