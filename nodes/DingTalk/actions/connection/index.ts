import type { INodeProperties } from 'n8n-workflow';

import type { DingTalkOperation } from '../node.type';
import * as disconnect from './disconnect.operation';
import * as getStatus from './getStatus.operation';
import * as reconnect from './reconnect.operation';

export const operations: Record<string, DingTalkOperation> = { getStatus, reconnect, disconnect };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['connection'] } },
		options: [
			{
				name: 'Disconnect',
				value: 'disconnect',
				action: 'Disconnect the stream connection',
				description: "Close the app's Stream connection in this n8n process until Reconnect",
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get the connection status',
				description:
					'Stream: state, last connected/disconnected/callback times, last error, reconnects. HTTP: callback URLs, signatures, secrets set, last callback and refusal.',
			},
			{
				name: 'Reconnect',
				value: 'reconnect',
				action: 'Reconnect the stream connection',
				description: 'Drop the socket and connect again now',
			},
		],
		default: 'getStatus',
	},
	{
		displayName:
			'Acts on the Stream connection a DingTalk Trigger of this app holds in this n8n process (in queue mode: ' +
			'the main instance). With a DingTalk HTTP API credential, Get Status reports the HTTP-mode triggers of ' +
			'the app in this process.',
		name: 'connectionNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['connection'] } },
	},
];
