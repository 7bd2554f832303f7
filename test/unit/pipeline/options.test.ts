import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_PIPELINE_OPTIONS,
	PIPELINE_SETTINGS,
	readPipelineOptions,
} from '../../../nodes/DingTalk/pipeline/options';
import { triggerProperties } from '../../../nodes/DingTalk/trigger/description';

/** A trigger whose node parameters are `node` (n8n fills in the defaults) and whose Options collection is `options`. */
function trigger(node: Record<string, unknown>, options: Record<string, unknown>) {
	return {
		getNodeParameter: (name: string, fallback?: unknown) =>
			name === 'options' ? options : (node[name] ?? fallback),
	};
}

describe('pipeline settings table', () => {
	it("an untouched trigger reads as the defaults, and the defaults are the parameters' defaults", () => {
		expect(readPipelineOptions(trigger({}, {}), 'en')).toEqual(DEFAULT_PIPELINE_OPTIONS);
		expect(DEFAULT_PIPELINE_OPTIONS).toEqual({
			events: ['message'],
			orgEventTypes: ['bpms_instance_change'],
			otherEventTypes: [],
			approvalProcessCodes: [],
			approvalChangeTypes: [],
			approvalResults: [],
			conversationTypes: 'both',
			groupMentionsOnly: true,
			ignoreOwnMessages: true,
			allowedSenderIds: [],
			allowedConversationIds: [],
			sessionTimeoutSeconds: 3600,
			sharedGroupSession: false,
			aggregationWindowSeconds: 0,
			aggregationMaxWaitSeconds: 30,
			endSessionAction: 'end_session',
			runDeadlineSeconds: 300,
			language: 'en',
		});
	});

	it('reads saved values as the trigger always did (numbers from text, at least 0, Run Deadline at least 1; ID lists split)', () => {
		const node = { events: ['cardCallback'], conversationTypes: 'group', groupMentionsOnly: false };
		const options = {
			ignoreOwnMessages: false,
			allowedSenderIds: 'u1, u2;u1',
			allowedConversationIds: ['c1', 'c2'],
			sessionTimeout: '60',
			sharedGroupSession: true,
			aggregationWindow: -4,
			aggregationMaxWait: '',
			endSessionAction: '',
			runDeadline: 0,
		};
		expect(readPipelineOptions(trigger(node, options), 'zh-CN')).toEqual({
			events: ['cardCallback'],
			orgEventTypes: ['bpms_instance_change'],
			otherEventTypes: [],
			approvalProcessCodes: [],
			approvalChangeTypes: [],
			approvalResults: [],
			conversationTypes: 'group',
			groupMentionsOnly: false,
			ignoreOwnMessages: false,
			allowedSenderIds: ['u1', 'u2'],
			allowedConversationIds: ['c1', 'c2'],
			sessionTimeoutSeconds: 60,
			sharedGroupSession: true,
			aggregationWindowSeconds: 0,
			aggregationMaxWaitSeconds: 30,
			endSessionAction: '',
			runDeadlineSeconds: 1,
			language: 'zh-CN',
		});
	});

	it("every row's parameter is in the trigger's description, at its place", () => {
		const collection = triggerProperties.find((property) => property.name === 'options')
			?.options as INodeProperties[];
		for (const { place, parameter } of Object.values(PIPELINE_SETTINGS)) {
			expect(place === 'node' ? triggerProperties : collection).toContain(parameter);
		}
	});
});
