/**
 * The client side of bench/stream-throughput.bench.ts, in its own process (as in production, where DingTalk's
 * gateway is another machine): either the bare dingtalk-stream SDK or the DingTalk Trigger's StreamConnection +
 * EventPipeline (emit stubbed). Driven over IPC: start / stop / cpu / memory / exit.
 */
import { DWClient, TOPIC_ROBOT } from 'dingtalk-stream';

import { openStreamConnection } from '../nodes/DingTalk/api/gateway';
import { StreamConnection } from '../nodes/DingTalk/stream/StreamConnection';
import { EventPipeline } from '../nodes/DingTalk/pipeline/EventPipeline';
import { DEFAULT_PIPELINE_OPTIONS } from '../nodes/DingTalk/pipeline/options';
import {
	AccessTokenCache,
	axiosSender,
	DingTalkClient,
	type DingTalkAppConfig,
} from '../nodes/DingTalk/transport';

type Command =
	| { cmd: 'start'; kind: 'bare' | 'trigger'; app: DingTalkAppConfig }
	| { cmd: 'stop' }
	| { cmd: 'memory' }
	| { cmd: 'cpu' }
	| { cmd: 'exit' };

const openClient = (app: DingTalkAppConfig) =>
	new DingTalkClient(app, axiosSender, { tokenCache: new AccessTokenCache() });

/** The bare SDK, as its README shows it, with only the gateway URL pointed at the fake. */
function bareSdk(app: DingTalkAppConfig) {
	class BareSdk extends DWClient {
		override async getEndpoint() {
			const { endpoint, ticket } = await openStreamConnection(
				openClient(app),
				this.config.subscriptions,
				'bench',
			);
			(this as unknown as { dw_url: string }).dw_url = `${endpoint}?ticket=${ticket}`;
			return this;
		}
	}
	return new BareSdk({ clientId: app.clientId, clientSecret: app.clientSecret });
}

async function start(kind: 'bare' | 'trigger', app: DingTalkAppConfig): Promise<() => void> {
	if (kind === 'bare') {
		const sdk = bareSdk(app);
		sdk.config.autoReconnect = false;
		sdk.registerCallbackListener(TOPIC_ROBOT, (frame) =>
			sdk.socketCallBackResponse(frame.headers.messageId, null),
		);
		await sdk.connect();
		return () => sdk.disconnect();
	}
	// emit stubbed: what n8n does with the item is not measured here
	const pipeline = new EventPipeline(DEFAULT_PIPELINE_OPTIONS, async () => ({ ok: true }));
	const connection = new StreamConnection(app.clientId, app.clientSecret, {
		openConnection: async (subs, ua) => await openStreamConnection(openClient(app), subs, ua),
	});
	const handler = async (cb: Parameters<EventPipeline['handle']>[0]) => await pipeline.handle(cb);
	await connection.subscribe(handler);
	return () => connection.unsubscribe(handler);
}

console.info = () => undefined; // the bare SDK prints "connect success"
let stop: (() => void) | undefined;
process.on('message', (command: Command) => {
	void (async () => {
		if (command.cmd === 'start') {
			stop = await start(command.kind, command.app);
			process.send?.({ started: true });
		} else if (command.cmd === 'stop') {
			stop?.();
			stop = undefined;
			process.send?.({ stopped: true });
		} else if (command.cmd === 'cpu') {
			const { user, system } = process.cpuUsage();
			process.send?.({ cpuMicroseconds: user + system });
		} else if (command.cmd === 'memory') {
			(globalThis as { gc?: () => void }).gc?.();
			const { rss, heapUsed } = process.memoryUsage();
			process.send?.({
				rss,
				heapUsed,
				gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
			});
		} else {
			process.exit(0);
		}
	})();
});
process.send?.({ ready: true });
