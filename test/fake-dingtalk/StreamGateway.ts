import { randomBytes, randomUUID } from 'crypto';
import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import { WebSocket, WebSocketServer } from 'ws';

import { recordSecret } from '../support/secretLeaks';
import { apiError, ok } from './replies';
import type { FakeApp, FakeReply, FakeRequest } from './types';

export interface GatewayConnection {
	id: string;
	app: FakeApp;
	subscriptions: Array<{ type: string; topic: string }>;
	socket: WebSocket;
	openedAt: number;
	closedAt?: number;
}

interface Pending {
	frame: DownstreamFrame;
	appId: string;
	deliveries: number;
	timer?: NodeJS.Timeout;
}

export interface DownstreamFrame {
	specVersion: '1.0';
	type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
	headers: Record<string, string>;
	data: string;
}

export interface RecordedAck {
	messageId: string;
	code: number;
	data: unknown;
	connectionId: string;
	at: number;
}

const TICKET_TTL_MS = 90_000;

/**
 * DingTalk's Stream gateway: `connections/open` hands out a one-use ticket, the WebSocket at /connect speaks the real
 * frames, CALLBACK frames not ACKed are redelivered (same messageId) after `redeliveryMs`, and messages go to one
 * connection of the app chosen at random, as DingTalk balances them. Faults: drops, stalls, malformed frames,
 * SYSTEM disconnect, refused opens (through the fake's HTTP faults on the open path).
 */
export class StreamGateway {
	readonly connections: GatewayConnection[] = [];
	readonly acks: RecordedAck[] = [];
	/** Every delivery of a CALLBACK frame: messageId and the connection it went to. */
	readonly deliveries: Array<{
		messageId: string;
		connectionId: string;
		redelivery: boolean;
		at: number;
	}> = [];
	readonly malformedUpstream: string[] = [];
	/** How long an un-ACKed CALLBACK waits before DingTalk sends it again (real DingTalk: 16–60 s). */
	redeliveryMs = 2000;
	/** Stop redelivering after this many deliveries (real DingTalk gives up after about a minute). */
	maxDeliveries = 20;
	/** Delay before the gateway processes an ACK (fault: slow ACK answers). */
	ackDelayMs = 0;
	private readonly tickets = new Map<
		string,
		{ app: FakeApp; subscriptions: GatewayConnection['subscriptions']; expiresAt: number }
	>();
	private readonly pending = new Map<string, Pending>();
	private readonly wss = new WebSocketServer({ noServer: true });
	private stopped = false;

	constructor(
		private readonly apps: () => FakeApp[],
		private readonly baseUrl: () => string,
	) {}

	/** POST /v1.0/gateway/connections/open {clientId, clientSecret, subscriptions, ua}. */
	open(req: FakeRequest): FakeReply {
		const body = (req.body ?? {}) as Record<string, unknown>;
		if (!body.clientId || !body.clientSecret)
			return apiError(400, 'MissingParameter', '缺少参数 clientId 或 clientSecret');
		const app = this.apps().find(
			(a) => a.clientId === body.clientId && a.clientSecret === body.clientSecret,
		);
		// UNCONFIRMED: the gateway's exact error for bad credentials; the token endpoint's shape is used.
		if (!app) return apiError(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
		const subscriptions = Array.isArray(body.subscriptions)
			? (body.subscriptions as GatewayConnection['subscriptions'])
			: [];
		if (subscriptions.length === 0)
			return apiError(400, 'invalidParameter.subscriptions.empty', 'subscriptions 不能为空');
		const ticket = randomUUID();
		recordSecret('Stream connection ticket (issued by the fake)', ticket);
		this.tickets.set(ticket, { app, subscriptions, expiresAt: Date.now() + TICKET_TTL_MS });
		return ok({ endpoint: `${this.baseUrl().replace(/^http/, 'ws')}/connect`, ticket });
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		const url = new URL(req.url ?? '/', 'http://fake');
		const ticket = url.searchParams.get('ticket') ?? '';
		const grant = this.tickets.get(ticket);
		this.tickets.delete(ticket); // one connection per ticket
		if (url.pathname !== '/connect' || !grant || grant.expiresAt < Date.now() || this.stopped) {
			socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		this.wss.handleUpgrade(req, socket, head, (ws) =>
			this.accept(ws, grant.app, grant.subscriptions),
		);
	}

	private accept(
		socket: WebSocket,
		app: FakeApp,
		subscriptions: GatewayConnection['subscriptions'],
	) {
		const connection: GatewayConnection = {
			id: randomUUID(),
			app,
			subscriptions,
			socket,
			openedAt: Date.now(),
		};
		this.connections.push(connection);
		socket.on('message', (raw) => {
			const text = raw.toString();
			if (this.ackDelayMs > 0) setTimeout(() => this.onUpstream(connection, text), this.ackDelayMs);
			else this.onUpstream(connection, text);
		});
		socket.on('close', () => {
			connection.closedAt = Date.now();
		});
		socket.on('error', () => undefined);
	}

	private onUpstream(connection: GatewayConnection, text: string) {
		let frame: { code?: number; headers?: { messageId?: string }; data?: string };
		try {
			frame = JSON.parse(text);
		} catch {
			this.malformedUpstream.push(text);
			return;
		}
		const messageId = frame.headers?.messageId;
		if (!messageId) {
			this.malformedUpstream.push(text);
			return;
		}
		let data: unknown = frame.data;
		try {
			data = typeof frame.data === 'string' ? JSON.parse(frame.data) : frame.data;
		} catch {
			// keep the raw string
		}
		this.acks.push({
			messageId,
			code: Number(frame.code),
			data,
			connectionId: connection.id,
			at: Date.now(),
		});
		const pending = this.pending.get(messageId);
		if (pending && Number(frame.code) === 200) {
			clearTimeout(pending.timer);
			this.pending.delete(messageId);
		}
	}

	/** Live connections of an app (all apps when none given). */
	liveConnections(appId?: string): GatewayConnection[] {
		return this.connections.filter(
			(c) => c.socket.readyState === WebSocket.OPEN && (!appId || c.app.clientId === appId),
		);
	}

	/** Pushes a CALLBACK (robot message or card callback) the way DingTalk does; returns its messageId. */
	pushCallback(
		topic: string,
		data: Record<string, unknown>,
		opts: { appId?: string; messageId?: string } = {},
	): string {
		const appId = opts.appId ?? this.apps()[0].clientId;
		const messageId =
			opts.messageId ??
			`${randomBytes(4).toString('hex')}_${Date.now().toString(16)}_${randomBytes(3).toString('hex')}`;
		const frame: DownstreamFrame = {
			specVersion: '1.0',
			type: 'CALLBACK',
			headers: {
				appId,
				contentType: 'application/json',
				messageId,
				time: String(Date.now()),
				topic,
			},
			data: JSON.stringify(data),
		};
		const pending: Pending = { frame, appId, deliveries: 0 };
		this.pending.set(messageId, pending);
		this.deliver(pending);
		return messageId;
	}

	private deliver(pending: Pending) {
		if (this.stopped || !this.pending.has(pending.frame.headers.messageId)) return;
		const topic = pending.frame.headers.topic;
		const candidates = this.liveConnections(pending.appId).filter((c) =>
			c.subscriptions.some((s) => s.type === 'CALLBACK' && s.topic === topic),
		);
		if (candidates.length > 0 && pending.deliveries < this.maxDeliveries) {
			const target = candidates[Math.floor(Math.random() * candidates.length)];
			const frame: DownstreamFrame = {
				...pending.frame,
				headers: { ...pending.frame.headers, connectionId: target.id },
			};
			target.socket.send(JSON.stringify(frame));
			this.deliveries.push({
				messageId: pending.frame.headers.messageId,
				connectionId: target.id,
				redelivery: pending.deliveries > 0,
				at: Date.now(),
			});
			pending.deliveries++;
		}
		if (pending.deliveries >= this.maxDeliveries) {
			this.pending.delete(pending.frame.headers.messageId);
			return;
		}
		// Not ACKed in time (or nobody connected): DingTalk tries again later.
		pending.timer = setTimeout(() => this.deliver(pending), this.redeliveryMs);
		pending.timer.unref();
	}

	unacked(): string[] {
		return [...this.pending.keys()];
	}

	/** SYSTEM ping; the client must echo it with the same messageId. */
	sendPing(connection: GatewayConnection, opaque = randomUUID()): string {
		const messageId = randomUUID();
		connection.socket.send(
			JSON.stringify({
				specVersion: '1.0',
				type: 'SYSTEM',
				headers: {
					contentType: 'application/json',
					messageId,
					time: String(Date.now()),
					topic: 'ping',
				},
				data: JSON.stringify({ opaque }),
			}),
		);
		return messageId;
	}

	/** SYSTEM disconnect, then the close DingTalk makes 10 s later (here `closeAfterMs`). */
	sendDisconnect(connection: GatewayConnection, closeAfterMs = 10_000): void {
		connection.socket.send(
			JSON.stringify({
				specVersion: '1.0',
				type: 'SYSTEM',
				headers: {
					contentType: 'application/json',
					messageId: randomUUID(),
					time: String(Date.now()),
					topic: 'disconnect',
				},
				data: JSON.stringify({ reason: 'connection is expired' }),
			}),
		);
		setTimeout(() => connection.socket.terminate(), closeAfterMs).unref();
	}

	sendRaw(connection: GatewayConnection, text: string): void {
		connection.socket.send(text);
	}

	/** Drops connections abruptly (no close frame), with whatever was in flight. */
	drop(appId?: string): number {
		const live = this.liveConnections(appId);
		for (const c of live) c.socket.terminate();
		return live.length;
	}

	/** Stops answering WebSocket pings on a connection, as a dead network path would. */
	stall(connection: GatewayConnection): void {
		(connection.socket as unknown as { _socket: Duplex })._socket.pause();
	}

	reset(): void {
		for (const p of this.pending.values()) clearTimeout(p.timer);
		this.pending.clear();
		this.acks.length = 0;
		this.deliveries.length = 0;
		this.malformedUpstream.length = 0;
		this.ackDelayMs = 0;
	}

	async stop(): Promise<void> {
		this.stopped = true;
		this.reset();
		for (const c of this.connections) c.socket.terminate();
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
	}
}
