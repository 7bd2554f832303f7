import type { FormField } from '../../nodes/DingTalk/actions/message/responseForm';

/** A Send and Wait form field of the given type, labelled by its type, optional and without placeholder or choices. */
export const formField = (type: FormField['type'], extra: Partial<FormField> = {}): FormField => ({
	label: type,
	type,
	required: false,
	placeholder: '',
	options: [],
	...extra,
});
