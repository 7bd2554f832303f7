import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readJsonObject } from './messageContent';

/** DingTalk's cardParamMap takes string values only; anything else is sent as its JSON text. */
export function toCardParamMap(values: IDataObject): Record<string, string> {
	return Object.fromEntries(
		Object.entries(values).map(([key, value]) => [
			key,
			typeof value === 'string' ? value : JSON.stringify(value ?? ''),
		]),
	);
}

export function readCardParamMap(this: IExecuteFunctions, i: number): Record<string, string> {
	if (this.getNodeParameter('cardDataMode', i, 'fields') === 'json') {
		return toCardParamMap(readJsonObject.call(this, i, 'cardJson', 'Variables (JSON)'));
	}
	const fields = this.getNodeParameter('cardFields.field', i, []) as Array<{
		key: string;
		value: unknown;
	}>;
	return toCardParamMap(
		Object.fromEntries(
			fields.filter((f) => f.key).map((f) => [f.key, f.value as IDataObject[string]]),
		),
	);
}
