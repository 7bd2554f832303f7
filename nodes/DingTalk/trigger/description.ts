import type { INodeProperties } from 'n8n-workflow';

import { pipelineParameters } from '../pipeline/options';
import { DEFAULT_MAX_MEDIA_FILES, DEFAULT_MAX_MEDIA_MB } from './media';

/** n8n lists a collection's options alphabetically. */
const byDisplayName = (properties: INodeProperties[]) =>
	[...properties].sort((a, b) => (a.displayName < b.displayName ? -1 : 1));

/**
 * The trigger's parameters. Those that configure the event pipeline (filters, sessions, aggregation) are defined in
 * pipeline/options.ts and placed here; the others (mode, ACK, media, reactions, connection events) are the trigger's
 * own.
 */
export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		options: [
			{
				name: 'Stream (Recommended)',
				value: 'stream',
				description: 'Connects out from n8n to DingTalk; no public URL needed',
			},
			{
				name: 'HTTP Callbacks',
				value: 'http',
				description: "DingTalk calls this workflow's webhook URL; needs a public HTTPS address",
			},
		],
		default: 'stream',
		description:
			'How DingTalk delivers events to n8n. Must match the mode set for the robot in the Developer Console.',
	},
	{
		displayName:
			'Stream mode: n8n connects out to DingTalk, no public URL needed. In the Developer Console ' +
			"set the robot's message receiving mode to Stream. One connection per app is shared by all " +
			'active DingTalk Triggers of that app in this n8n process. ' +
			'Stream 模式：n8n 主动连接钉钉，无需公网地址。请在开发者后台把机器人的消息接收模式设为 Stream 模式。' +
			'同一应用在本 n8n 进程中的所有已激活 DingTalk Trigger 共用一条连接。',
		name: 'streamNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { mode: ['stream'] } },
	},
	{
		displayName:
			"HTTP mode: in Developer Console → your app, paste this node's Production URL (under " +
			"Webhook URLs above) as the robot's message receiving address (HTTP mode) and as the Event " +
			'Subscription request URL, with the Token and AES Key from the credential (aes_key, 43 ' +
			'characters). Subscribe to robot messages and card callbacks. DingTalk checks the URL when ' +
			'you save it, so activate the workflow first. Only requests signed by DingTalk are ' +
			'accepted. ' +
			'HTTP 模式：在开发者后台 → 应用中，把本节点的 Production URL（见上方 Webhook URLs）填为机器人的' +
			'消息接收地址（HTTP 模式）和事件订阅的请求网址，并填入凭证中的签名 Token 和加密 aes_key（43 位）。' +
			'订阅机器人消息和卡片回调。钉钉在保存时会校验该地址，所以请先激活工作流。只接受钉钉签名的请求。',
		name: 'httpNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { mode: ['http'] } },
	},
	...pipelineParameters('node'),
	{
		displayName:
			'Organisation events: in Developer Console → your app → Event Subscription, choose the push mode ' +
			'(Stream mode, or HTTP mode with this Production URL as the request URL) and switch on the events ' +
			'listed in Event Types. Each needs its read permission under Permission Management: OA approval for ' +
			'approval events, contacts (address book) for employee and department events, attendance for ' +
			'clock-ins. In Stream mode the app receives events only while a trigger with Organisation Events is ' +
			'active; the others never take them. ' +
			'组织事件：在开发者后台 → 应用 → 事件订阅中选择推送方式（Stream 模式，或 HTTP 模式并把本节点的 Production URL 填为' +
			'请求网址），并开启 Event Types 中所选的事件。每类事件需要在权限管理中开通对应的读权限：审批事件需 OA 审批权限，' +
			'员工和部门事件需通讯录权限，打卡事件需考勤权限。Stream 模式下只有启用了 Organisation Events 的触发器处于激活状态时，' +
			'应用才接收事件，其他触发器不会消费事件。',
		name: 'orgEventNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { events: ['orgEvent'] } },
	},
	{
		displayName: 'Emit Connection Events',
		name: 'emitConnectionEvents',
		type: 'boolean',
		default: false,
		description:
			'Whether connected / disconnected / error events come out of a second output, e.g. to alert on a dead bot',
		displayOptions: { show: { mode: ['stream'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: byDisplayName([
			...pipelineParameters('options'),
			{
				displayName: 'ACK Policy',
				name: 'ackPolicy',
				type: 'options',
				options: [
					{
						name: 'After the Run Finished',
						value: 'afterRun',
						description: 'A failed run is delivered again by DingTalk (once)',
					},
					{
						name: 'Immediately',
						value: 'immediately',
						description: 'Acknowledge on receipt; a failed run is not retried',
					},
				],
				default: 'afterRun',
				description:
					"When DingTalk is told the message or event arrived. Redeliveries never start a second run either way; a failed run's event is ACKed LATER so DingTalk pushes it again. (HTTP mode always answers at once: DingTalk waits only about 1.5 s.)",
				displayOptions: { show: { '/mode': ['stream'] } },
			},
			{
				displayName: 'Download Media',
				name: 'downloadMedia',
				type: 'boolean',
				default: false,
				description:
					'Whether pictures, audio, video and files in messages are downloaded into binary data (media0, media1, …), listed in "media"',
			},
			{
				displayName: 'React While Running',
				name: 'reactWhileRunning',
				type: 'string',
				default: '',
				placeholder: '🤔Thinking',
				description:
					"A reaction (text, e.g. 🤔Thinking) the trigger puts on the user's message while its run lasts, taken back when the run finishes or fails. Empty = off. A failed reaction call is logged and the run goes on. Stream mode only (in HTTP mode use Message → Add Reaction / Remove Reaction); not on n8n's Engine 2.0, which refuses triggers that wait for their run.",
				displayOptions: { show: { '/mode': ['stream'] } },
			},
			{
				displayName: 'Max Concurrent Runs',
				name: 'maxConcurrentRuns',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'The most runs of this trigger at once; messages over it wait, in arrival order and un-ACKed, and start as runs finish (at most 1,000 wait). 0 = no limit. Stream mode only.',
				displayOptions: { show: { '/mode': ['stream'] } },
			},
			{
				displayName: 'Max Media Size (MB)',
				name: 'maxMediaSize',
				type: 'number',
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				default: DEFAULT_MAX_MEDIA_MB,
				description:
					'With Download Media: the largest file downloaded. A larger one is not downloaded; its entry in "media" says so (tooLarge) and the run still starts.',
			},
			{
				displayName: 'Max Files per Message',
				name: 'maxMediaFiles',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: DEFAULT_MAX_MEDIA_FILES,
				description:
					'With Download Media: how many of a message\'s files are downloaded, in the order they appear. The rest are not downloaded; "mediaSkipped" says how many and why, and the run still starts.',
			},
		]),
	},
];
