import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredString } from '../../shared/parameters';

/** The Digital Expert to talk to: picked from the experts this API key can see, or by ID. */
export const expertLocator: INodeProperties = {
	displayName: 'Digital Expert',
	name: 'expert',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'A published Digital Expert this API key can see',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchExperts', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 6f1c…',
			hint: 'Xpert AI → the expert → API: its xpert (assistant) ID',
		},
	],
};

export const sessionKeyField: INodeProperties = {
	displayName: 'Session Key',
	name: 'sessionKey',
	type: 'string',
	default: '={{ $json.sessionId }}',
	description:
		'Messages with the same key continue one conversation (one Xpert thread). The DingTalk ' +
		"Trigger's sessionId is one per user and chat, ending after its Session Timeout. Empty = a " +
		'new conversation each time.',
};

export function expertIdOf(context: IExecuteFunctions, i: number): string {
	return requiredString(context, 'expert', i, 'Digital Expert', {
		extractValue: true,
		message: 'No Digital Expert chosen',
	});
}
