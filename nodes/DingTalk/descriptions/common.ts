import type { INodeProperties } from 'n8n-workflow';

/** A user picker: search the organisation's users, or type a user ID. */
export function userLocator(
	overrides: Partial<INodeProperties> & Pick<INodeProperties, 'name'>,
): INodeProperties {
	return {
		displayName: 'User',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The DingTalk user (staff userId, not unionId)',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchUsers', searchable: true },
			},
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'manager1234' },
		],
		...overrides,
	};
}

/** A department picker; the root department is 1. */
export function departmentLocator(
	overrides: Partial<INodeProperties> & Pick<INodeProperties, 'name'>,
): INodeProperties {
	return {
		displayName: 'Department',
		type: 'resourceLocator',
		default: { mode: 'id', value: '1' },
		required: true,
		description: 'The department; 1 is the whole organisation (root department)',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchDepartments', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '1',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^[0-9]+$', errorMessage: 'A department ID is a number' },
					},
				],
			},
		],
		...overrides,
	};
}

export function returnAllAndLimit(show: {
	resource: string[];
	operation: string[];
}): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			displayOptions: { show },
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			displayOptions: { show: { ...show, returnAll: [false] } },
			description: 'Max number of results to return',
		},
	];
}
