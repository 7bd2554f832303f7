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
				"For hosts with a public HTTPS address: DingTalk calls n8n's webhook URL. Prefer the DingTalk Stream API credential when n8n has no public URL.",
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
			hint: 'Developer Console → your app → Event Subscription (事件订阅) → Token (签名 Token)',
		},
		{
			displayName: 'Callback AES Key',
			name: 'callbackAesKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Exactly 43 letters and digits',
			hint: 'Developer Console → your app → Event Subscription (事件订阅) → aes_key (加密 aes_key)',
		},
	];
}
