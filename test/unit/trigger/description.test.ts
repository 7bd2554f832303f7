import type { INodeProperties } from 'n8n-workflow';

import { triggerProperties } from '../../../nodes/DingTalk/trigger/description';

/** Every parameter as saved workflows store it: its path, type, default and, for choices, the values it accepts. */
function savedShape(properties: INodeProperties[], prefix = ''): unknown[] {
	return properties.flatMap((property) => {
		const path = `${prefix}${property.name}`;
		if (property.type === 'collection')
			return savedShape(property.options as INodeProperties[], `${path}.`);
		const values = (property.options as Array<{ value?: unknown }> | undefined)?.map(
			(option) => option.value,
		);
		return [
			values
				? [path, property.type, property.default, values]
				: [path, property.type, property.default],
		];
	});
}

describe('DingTalk Trigger parameters', () => {
	// Saved workflows hold these names and values: changing one breaks every workflow that uses the trigger.
	it('keep the names, types, defaults and choice values saved workflows rely on', () => {
		expect(savedShape(triggerProperties)).toEqual([
			['mode', 'options', 'stream', ['stream', 'http']],
			['streamNotice', 'notice', ''],
			['httpNotice', 'notice', ''],
			['events', 'multiOptions', ['message'], ['message', 'cardCallback', 'orgEvent']],
			[
				'orgEventTypes',
				'multiOptions',
				['bpms_instance_change'],
				[
					'*',
					'bpms_instance_change',
					'bpms_task_change',
					'user_add_org',
					'user_modify_org',
					'user_leave_org',
					'org_dept_create',
					'org_dept_modify',
					'org_dept_remove',
					'attendance_check_record',
					'other',
				],
			],
			['otherEventTypes', 'string', ''],
			['approvalProcessCodes', 'string', ''],
			['approvalChangeTypes', 'multiOptions', [], ['start', 'finish', 'terminate']],
			['approvalResults', 'multiOptions', [], ['agree', 'refuse']],
			['conversationTypes', 'options', 'both', ['both', 'direct', 'group']],
			['groupMentionsOnly', 'boolean', true],
			['orgEventNotice', 'notice', ''],
			['emitConnectionEvents', 'boolean', false],
			['options.ackPolicy', 'options', 'afterRun', ['afterRun', 'immediately']],
			['options.aggregationMaxWait', 'number', 30],
			['options.aggregationWindow', 'number', 0],
			['options.allowedConversationIds', 'string', ''],
			['options.allowedSenderIds', 'string', ''],
			['options.downloadMedia', 'boolean', false],
			['options.endSessionAction', 'string', 'end_session'],
			['options.ignoreOwnMessages', 'boolean', true],
			['options.maxConcurrentRuns', 'number', 0],
			['options.maxMediaFiles', 'number', 20],
			['options.maxMediaSize', 'number', 20],
			['options.sharedGroupSession', 'boolean', false],
			['options.reactWhileRunning', 'string', ''],
			['options.runDeadline', 'number', 300],
			['options.sessionTimeout', 'number', 3600],
		]);
	});
});
