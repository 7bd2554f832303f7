import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { router } from './actions/router';
import { properties } from './actions/versionDescription';
import { dingTalkApiCredentialTest } from '../shared/dingTalk';
import { listSearch, xpertAiApiTest } from './methods';

export class XpertAi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Xpert AI',
		name: 'xpertAi',
		icon: { light: 'file:xpert.svg', dark: 'file:xpert.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Talk to an Xpert AI Digital Expert: one conversation per session, answers waited for or streamed into a DingTalk AI card',
		defaults: { name: 'Xpert AI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'xpertAiApi', required: true, testedBy: 'xpertAiApiTest' },
			{
				name: 'dingTalkStreamApi',
				required: true,
				testedBy: 'dingTalkApiCredentialTest',
				displayOptions: {
					show: { operation: ['askStreaming'], dingTalkAuthentication: ['streamApi'] },
				},
			},
			{
				name: 'dingTalkHttpApi',
				required: true,
				testedBy: 'dingTalkApiCredentialTest',
				displayOptions: {
					show: { operation: ['askStreaming'], dingTalkAuthentication: ['httpApi'] },
				},
			},
		],
		properties,
	};

	methods = { listSearch, credentialTest: { xpertAiApiTest, dingTalkApiCredentialTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
