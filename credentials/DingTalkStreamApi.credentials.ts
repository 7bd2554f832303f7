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
				"Recommended. n8n keeps an outbound long connection to DingTalk (Stream mode): no public URL needed. In the Developer Console set the robot's message receiving mode to Stream. 推荐：n8n 主动与钉钉保持长连接（Stream 模式），无需公网地址。请在开发者后台把机器人的消息接收模式设为 Stream 模式。",
			name: 'streamNotice',
			type: 'notice',
			default: '',
		},
		...dingTalkAppProperties(true),
	];
}
