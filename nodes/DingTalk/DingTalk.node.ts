import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';
import { dingTalkApiCredentialTest, listSearch } from './methods';

export class DingTalk implements INodeType {
	description: INodeTypeDescription = versionDescription;

	methods = { listSearch, credentialTest: { dingTalkApiCredentialTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
