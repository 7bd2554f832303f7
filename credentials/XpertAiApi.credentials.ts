import type { IAuthenticateGeneric, ICredentialType, INodeProperties } from 'n8n-workflow';

export class XpertAiApi implements ICredentialType {
	name = 'xpertAiApi';

	displayName = 'Xpert AI API';

	icon = { light: 'file:xpert.svg', dark: 'file:xpert.dark.svg' } as const;

	documentationUrl = 'https://github.com/xpert-ai/n8n-nodes-dingtalk#xpert-ai-node';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.mtda.cloud/api/ai',
			required: true,
			placeholder: 'https://xpert.example.com/api/ai',
			description:
				'Your Xpert AI server followed by /api/ai (the Agent Protocol API). Xpert AI 服务器地址加上 /api/ai（Agent Protocol API）。',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			hint: 'Xpert AI → your Digital Expert → API (keys start with sk-x-). Xpert AI → 数字专家 → API（密钥以 sk-x- 开头）。',
		},
		{
			displayName: 'Organization ID',
			name: 'organizationId',
			type: 'string',
			default: '',
			description:
				'Only for experts published in an organisation; empty = the tenant. 仅用于发布在组织中的专家；留空表示整个租户。',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } },
	};
}
