import type { INodeProperties } from 'n8n-workflow';

/** Card data as key/value fields or as one JSON object; shared by Card → Send and Card → Update. */
export const cardDataFields: INodeProperties[] = [
	{
		displayName: 'Card Data',
		name: 'cardDataMode',
		type: 'options',
		options: [
			{ name: 'Fields', value: 'fields', description: 'Set variables one by one' },
			{ name: 'JSON', value: 'json', description: 'One JSON object of variables' },
		],
		default: 'fields',
		description:
			"The card template's variables (cardParamMap). Non-text values are sent as JSON text, as DingTalk requires.",
	},
	{
		displayName: 'Variables',
		name: 'cardFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Variable',
		default: {},
		displayOptions: { show: { cardDataMode: ['fields'] } },
		options: [
			{
				displayName: 'Variable',
				name: 'field',
				values: [
					{ displayName: 'Name', name: 'key', type: 'string', default: '', required: true },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Variables (JSON)',
		name: 'cardJson',
		type: 'json',
		default: '{}',
		displayOptions: { show: { cardDataMode: ['json'] } },
	},
];

/** Options of a card update (Card → Update, Card → Answer Callback). */
export const cardUpdateOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Replace All Variables',
			name: 'replaceAll',
			type: 'boolean',
			default: false,
			description:
				'Whether variables not given here are cleared (by default only the given ones change)',
		},
	],
};
