import type { INodeProperties } from 'n8n-workflow';

/** Fields both DingTalk credential types share: the app, its robot, the language users see, and where DingTalk is. */
export function dingTalkAppProperties(robotCodeRequired: boolean): INodeProperties[] {
	return [
		{
			displayName: 'Client ID (AppKey)',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'dingxxxxxxxxxxxxxxxx',
			hint: 'DingTalk Developer Console (open-dev.dingtalk.com) → your internal app → Credentials & Basic Info (凭证与基础信息) → Client ID',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			hint: 'Same page as the Client ID: Client Secret (AppSecret)',
		},
		{
			displayName: 'Robot Code',
			name: 'robotCode',
			type: 'string',
			default: '',
			required: robotCodeRequired,
			placeholder: 'dingxxxxxxxxxxxxxxxx',
			description:
				"The code of the app's robot, used to send messages and cards. Leave empty to use the Client ID (true for most internal apps).",
			hint: 'Developer Console → your app → Robot (机器人) → RobotCode. Not the message mode "normal".',
		},
		{
			displayName: 'Preferred Language',
			name: 'language',
			type: 'options',
			options: [
				{ name: 'English', value: 'en' },
				{ name: '简体中文', value: 'zh-CN' },
			],
			default: 'en',
			description:
				'Language of the texts this package itself writes into DingTalk (button titles, notices)',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: 'https://api.dingtalk.com',
			description: 'Change only for a private DingTalk deployment or a test server',
		},
		{
			displayName: 'Legacy API Base URL',
			name: 'legacyApiBaseUrl',
			type: 'string',
			default: 'https://oapi.dingtalk.com',
			description:
				"Base of DingTalk's older OpenAPI (users, departments). Change only for a private deployment or a test server.",
		},
	];
}
