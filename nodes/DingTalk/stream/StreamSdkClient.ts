import { DWClient } from 'dingtalk-stream';
import { WebSocket } from 'ws';

import {
	type DownstreamFrame,
	eventAck,
	MAX_FRAME_BYTES,
	parseDownstream,
	streamSubscriptions,
} from './frames';

/** The SDK's fields we have to reach; its typings mark them private. */
interface SdkInternals {
	socket?: WebSocket;
	dw_url?: string;
	userDisconnect: boolean;
}

export type OpenConnection = (
	subscriptions: Array<{ type: string; topic: string }>,
	ua: string,
) => Promise<{ endpoint: string; ticket: string }>;

export const STREAM_UA = '@xpert-ai/n8n-nodes-dingtalk/dingtalk-stream-2.1.5';

/**
 * DingTalk's official Stream SDK (dingtalk-stream 2.1.5), with the parts that cannot be used as they are replaced:
 * - getEndpoint: the gateway URL comes from the credential (the SDK hard-codes it) and goes through our client;
 * - _connect: one socket per call, no console output, no 1 s reconnect loop (StreamConnection owns reconnects);
 * - onDownStream: malformed frames are reported instead of throwing inside the socket handler;
 * - SYSTEM disconnect: reported, so the owner reconnects at once instead of losing the next ~10 s of messages.
 * - EVENT frames: handed on ('event'), never auto-ACKed (the SDK's listener is synchronous: a Promise became `{}`);
 *   EVENT `*` is subscribed only when the owner asks (`subscribeEvents`), as the SDK's default consumes every event.
 * Kept from the SDK: its config and subscriptions, ping echo (onSystem), and the ACK writers (send, socketCallBackResponse).
 * Events: 'open', 'close' (code, reason), 'pong', 'frame-error' (problem), 'callback' (frame), 'event' (frame),
 * 'server-disconnect'.
 */
export class StreamSdkClient extends DWClient {
	constructor(
		clientId: string,
		clientSecret: string,
		private readonly openConnection: OpenConnection,
	) {
		super({ clientId, clientSecret, keepAlive: false, debug: false, ua: STREAM_UA });
		this.config.autoReconnect = false;
		// CALLBACK topics only until an events trigger asks: the SDK's default EVENT "*" would consume every event.
		this.config.subscriptions = streamSubscriptions(false);
	}

	/** Whether the subscriptions sent at the next connection open include EVENT `*`. */
	subscribeEvents(on: boolean): void {
		this.config.subscriptions = streamSubscriptions(on);
	}

	/** Whether the current subscriptions include EVENT `*`. */
	get eventsRequested(): boolean {
		return this.config.subscriptions.some((s) => s.type === 'EVENT');
	}

	private get internals(): SdkInternals {
		return this as unknown as SdkInternals;
	}

	/** The current socket (the SDK's private `socket`). */
	get webSocket(): WebSocket | undefined {
		return this.internals.socket;
	}

	override async getEndpoint(): Promise<this> {
		const { endpoint, ticket } = await this.openConnection(this.config.subscriptions, STREAM_UA);
		this.internals.dw_url = `${endpoint}?ticket=${encodeURIComponent(ticket)}`;
		return this;
	}

	override async _connect(): Promise<void> {
		const url = this.internals.dw_url as string;
		await new Promise<void>((resolve, reject) => {
			// maxPayload: ws refuses a larger frame (closing with 1009) instead of buffering up to its 100 MB default.
			const socket = new WebSocket(url, { handshakeTimeout: 15_000, maxPayload: MAX_FRAME_BYTES });
			this.internals.socket = socket;
			this.internals.userDisconnect = false;
			let opened = false;
			socket.on('open', () => {
				opened = true;
				this.connected = true;
				this.emit('open');
				resolve();
			});
			socket.on('unexpected-response', (_req, res) => {
				socket.terminate();
				reject(new Error(`Stream gateway refused the WebSocket (HTTP ${res.statusCode})`));
			});
			socket.on('error', (error) => {
				if (!opened) reject(error);
				else this.emit('socket-error', error);
			});
			socket.on('pong', () => this.emit('pong'));
			socket.on('message', (data) => this.onDownStream(data.toString()));
			socket.on('close', (code, reason) => {
				this.connected = false;
				this.registered = false;
				if (opened && this.internals.socket === socket) this.emit('close', code, reason.toString());
			});
		});
	}

	/** Runs inside ws's message listener: nothing may escape it (see parseDownstream), so the last resort is a catch. */
	override onDownStream(data: string): void {
		try {
			const parsed = parseDownstream(String(data));
			if ('problem' in parsed) {
				this.emit('frame-error', parsed.problem);
				return;
			}
			const frame: DownstreamFrame = parsed.frame;
			switch (frame.type) {
				case 'SYSTEM':
					if (frame.headers.topic === 'disconnect') this.emit('server-disconnect', frame.data);
					else this.onSystem(frame as never);
					return;
				case 'EVENT':
					// Only a connection that subscribed EVENT hands events on; otherwise ACK so DingTalk stops pushing.
					if (this.eventsRequested) this.emit('event', frame);
					else this.webSocket?.send(eventAck(frame.headers.messageId));
					return;
				case 'CALLBACK':
					this.emit('callback', frame);
			}
		} catch (error) {
			this.emit(
				'frame-error',
				`frame handling failed: ${(error as Error)?.message ?? 'unknown error'}`,
			);
		}
	}

	override disconnect(): void {
		this.internals.userDisconnect = true;
		const socket = this.internals.socket;
		this.internals.socket = undefined;
		socket?.removeAllListeners('close');
		socket?.on('error', () => undefined);
		socket?.terminate();
		this.connected = false;
	}
}
