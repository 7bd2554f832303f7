import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { dingTalkAppProperties } from './dingTalkAppProperties';

export class DingTalkHttpApi implements ICredentialType {
	name = 'dingTalkHttpApi';

	displayName = 'DingTalk HTTP API';

	icon = { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' } as const;

	documentationUrl = 'https://github.com/xpert-ai/n8n-nodes-dingtalk#credentials';

	properties: INodeProperties[] = [
		{
			displayName:
				"For hosts with a public HTTPS address: DingTalk calls n8n's webhook URL. Prefer the DingTalk Stream API credential when n8n has no public URL. 适用于有公网 HTTPS 地址的 n8n：由钉钉回调 n8n 的 Webhook 地址。n8n 没有公网地址时，请改用 DingTalk Stream API 凭证。",
			name: 'httpNotice',
			type: 'notice',
			default: '',
		},
		...dingTalkAppProperties(false),
		{
			displayName: 'Callback Token',
			name: 'callbackToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			hint: 'Developer Console → your app → Event Subscription → Token. 开发者后台 → 应用 → 事件订阅 → 签名 Token。',
		},
		{
			displayName: 'Callback AES Key',
			name: 'callbackAesKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Exactly 43 letters and digits. 43 位字母和数字。',
			hint: 'Developer Console → your app → Event Subscription → aes_key. 开发者后台 → 应用 → 事件订阅 → 加密 aes_key。',
		},
	];
}
