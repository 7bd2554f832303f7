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
			hint: 'DingTalk Developer Console (open-dev.dingtalk.com) → your internal app → Credentials & Basic Info → Client ID. 钉钉开发者后台 → 企业内部应用 → 凭证与基础信息 → Client ID（原 AppKey）。',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			hint: 'Same page as the Client ID: Client Secret (AppSecret). 与 Client ID 同一页面：Client Secret（原 AppSecret）。',
		},
		{
			displayName: 'Robot Code',
			name: 'robotCode',
			type: 'string',
			default: '',
			required: robotCodeRequired,
			placeholder: 'dingxxxxxxxxxxxxxxxx',
			description:
				"The code of the app's robot, used to send messages and cards. Leave empty to use the Client ID (true for most internal apps). 应用机器人的 RobotCode，用于发送消息和卡片；留空则用 Client ID（多数企业内部应用两者相同）。",
			hint: 'Developer Console → your app → Robot → RobotCode. Not the message mode "normal". 开发者后台 → 应用 → 机器人 → RobotCode，不是消息模式 "normal"。',
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
				'Language of the texts this package itself writes into DingTalk (button titles, notices). 本插件自己写入钉钉的文字（按钮标题、提示）所用的语言。',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: 'https://api.dingtalk.com',
			description:
				'Change only for a private DingTalk deployment or a test server. 仅在专属钉钉（私有化部署）或测试服务器时修改。',
		},
		{
			displayName: 'Legacy API Base URL',
			name: 'legacyApiBaseUrl',
			type: 'string',
			default: 'https://oapi.dingtalk.com',
			description:
				"Base of DingTalk's older OpenAPI (users, departments). Change only for a private deployment or a test server. 钉钉旧版 OpenAPI（用户、部门）的地址；仅在私有化部署或测试服务器时修改。",
		},
		{
			displayName: 'Card Update Rate (Per Second)',
			name: 'cardUpdateRate',
			type: 'number',
			default: 20,
			typeOptions: { minValue: 0.1, numberPrecision: 1 },
			description:
				'How many card updates (AI card typing, Card → Stream Content and Update) this n8n process sends per second for this app, shared by every card. DingTalk allows about 20 per app; in queue mode divide it by the number of workers. 本 n8n 进程每秒为该应用发送的卡片更新次数（AI 卡片打字效果、卡片流式写入与更新），由所有卡片共享。钉钉对每个应用约限 20 次/秒；队列模式下请除以 worker 数量。',
		},
	];
}
