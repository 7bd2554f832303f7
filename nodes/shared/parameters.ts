import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

interface RequiredOptions {
	/** For resource locators: the value, not the locator object. */
	extractValue?: boolean;
	/** The error text when empty; default `"<label>" is empty`. */
	message?: string;
}

function emptyError(
	context: IExecuteFunctions,
	label: string,
	itemIndex: number,
	options: RequiredOptions,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), options.message ?? `"${label}" is empty`, {
		itemIndex,
	});
}

/** A text parameter the operation cannot do without, trimmed; an empty one (or null) stops the item with its label. */
export function requiredString(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	label: string,
	options: RequiredOptions = {},
): string {
	const value = context.getNodeParameter(
		name,
		itemIndex,
		'',
		options.extractValue ? { extractValue: true } : undefined,
	);
	const text = String(value ?? '').trim();
	if (!text) throw emptyError(context, label, itemIndex, options);
	return text;
}

/** A list parameter (IDs, keys) read with `parse`; an empty list stops the item with its label. */
export function requiredList(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	label: string,
	parse: (value: unknown) => string[],
	options: RequiredOptions = {},
): string[] {
	const values = parse(context.getNodeParameter(name, itemIndex));
	if (values.length === 0) throw emptyError(context, label, itemIndex, options);
	return values;
}

/** How many items a "Return All" / "Limit" pair asks for: no bound when Return All is on. */
export function returnAllLimit(
	context: IExecuteFunctions,
	itemIndex: number,
	defaultLimit = 50,
): number {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean)
		return Number.POSITIVE_INFINITY;
	return Number(context.getNodeParameter('limit', itemIndex, defaultLimit));
}
