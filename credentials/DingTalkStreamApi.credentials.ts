import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { dingTalkAppProperties } from './dingTalkAppProperties';

export class DingTalkStreamApi implements ICredentialType {
	name = 'dingTalkStreamApi';

	displayName = 'DingTalk Stream API';

	icon = { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' } as const;

	documentationUrl = 'https://github.com/xpert-ai/n8n-nodes-dingtalk#credentials';

	properties: INodeProperties[] = [
		{
			displayName:
				"Recommended. n8n keeps an outbound long connection to DingTalk (Stream mode): no public URL needed. In the Developer Console set the robot's message receiving mode to Stream (Stream 模式).",
			name: 'streamNotice',
			type: 'notice',
			default: '',
		},
		...dingTalkAppProperties(true),
	];
}
