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

/** One push of an organisation event: every delivery of it gets a fresh messageId (UNCONFIRMED), its eventId stays. */
interface PendingEvent {
	eventId: string;
	appId: string;
	headers: Record<string, string>;
	data: string;
	deliveries: number;
	timer?: NodeJS.Timeout;
}

export interface RecordedEventDelivery {
	eventId: string;
	messageId: string;
	connectionId: string;
	redelivery: boolean;
	at: number;
}

export interface RecordedEventAck {
	eventId: string;
	messageId: string;
	code: number;
	status: string;
	at: number;
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
	/** Every delivery of an EVENT frame. */
	readonly eventDeliveries: RecordedEventDelivery[] = [];
	/** Every ACK of an EVENT frame, with its status (SUCCESS / LATER). */
	readonly eventAcks: RecordedEventAck[] = [];
	/** DingTalk's push timeout in Stream mode (3 s): an event not ACKed by then is pushed again. */
	eventRedeliveryMs = 3000;
	/** How long after a LATER the event comes again (UNCONFIRMED: a third party reports 10 s, 30 s, 60 s, 120 s). */
	eventLaterMs = 2000;
	private readonly pendingEvents = new Map<string, PendingEvent>();
	private readonly eventOfMessage = new Map<string, string>();
	private readonly tickets = new Map<
		string,
		{ app: FakeApp; subscriptions: GatewayConnection['subscriptions']; expiresAt: number }
	>();
	private readonly pending = new Map<string, Pending>();
	private readonly ackWaiters = new Map<string, Array<(ack: RecordedAck) => void>>();
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
		const eventId = this.eventOfMessage.get(messageId);
		if (eventId !== undefined) {
			this.onEventAck(eventId, messageId, Number(frame.code), data);
			return;
		}
		const ack: RecordedAck = {
			messageId,
			code: Number(frame.code),
			data,
			connectionId: connection.id,
			at: Date.now(),
		};
		this.acks.push(ack);
		const waiters = this.ackWaiters.get(messageId);
		this.ackWaiters.delete(messageId);
		for (const resolve of waiters ?? []) resolve(ack);
		const pending = this.pending.get(messageId);
		if (pending && Number(frame.code) === 200) {
			clearTimeout(pending.timer);
			this.pending.delete(messageId);
		}
	}

	/** An EVENT ACK: `status` SUCCESS ends the push, LATER (or a bad ACK) has it pushed again after `eventLaterMs`. */
	private onEventAck(eventId: string, messageId: string, code: number, data: unknown) {
		const status =
			typeof data === 'object' && data !== null
				? String((data as { status?: unknown }).status)
				: '';
		this.eventAcks.push({ eventId, messageId, code, status, at: Date.now() });
		const pending = this.pendingEvents.get(eventId);
		if (!pending) return;
		clearTimeout(pending.timer);
		if (code === 200 && status === 'SUCCESS') {
			this.pendingEvents.delete(eventId);
			return;
		}
		pending.timer = setTimeout(() => this.deliverEvent(pending), this.eventLaterMs);
		pending.timer.unref();
	}

	/**
	 * Pushes an organisation event as an EVENT frame, to one connection of the app that subscribed EVENT (none: it
	 * waits, as DingTalk keeps it for the app's next subscriber); returns its eventId.
	 */
	pushEvent(
		eventType: string,
		data: unknown,
		opts: { appId?: string; eventId?: string; corpId?: string; bornAt?: number } = {},
	): string {
		const appId = opts.appId ?? this.apps()[0].clientId;
		const eventId = opts.eventId ?? randomBytes(16).toString('hex');
		const pending: PendingEvent = {
			eventId,
			appId,
			headers: {
				appId,
				contentType: 'application/json',
				time: String(Date.now()),
				topic: '*',
				eventType,
				eventId,
				eventCorpId: opts.corpId ?? 'dingfakecorp0001',
				eventBornTime: String(opts.bornAt ?? Date.now()),
				eventUnifiedAppId: appId,
			},
			data: typeof data === 'string' ? data : JSON.stringify(data),
			deliveries: 0,
		};
		this.pendingEvents.set(eventId, pending);
		this.deliverEvent(pending);
		return eventId;
	}

	private deliverEvent(pending: PendingEvent) {
		if (this.stopped || this.pendingEvents.get(pending.eventId) !== pending) return;
		const candidates = this.liveConnections(pending.appId).filter((c) =>
			c.subscriptions.some((s) => s.type === 'EVENT'),
		);
		if (candidates.length > 0 && pending.deliveries < this.maxDeliveries) {
			const target = candidates[Math.floor(Math.random() * candidates.length)];
			const messageId = `${randomBytes(4).toString('hex')}_${Date.now().toString(16)}_evt`;
			this.eventOfMessage.set(messageId, pending.eventId);
			target.socket.send(
				JSON.stringify({
					specVersion: '1.0',
					type: 'EVENT',
					headers: { ...pending.headers, messageId, connectionId: target.id },
					data: pending.data,
				}),
			);
			this.eventDeliveries.push({
				eventId: pending.eventId,
				messageId,
				connectionId: target.id,
				redelivery: pending.deliveries > 0,
				at: Date.now(),
			});
			pending.deliveries++;
		}
		if (pending.deliveries >= this.maxDeliveries) {
			this.pendingEvents.delete(pending.eventId);
			return;
		}
		clearTimeout(pending.timer);
		pending.timer = setTimeout(() => this.deliverEvent(pending), this.eventRedeliveryMs);
		pending.timer.unref();
	}

	/** Events not yet ACKed SUCCESS. */
	unackedEvents(): string[] {
		return [...this.pendingEvents.keys()];
	}

	/** Live connections of an app (all apps when none given). */
	liveConnections(appId?: string): GatewayConnection[] {
		return this.connections.filter(
			(c) => c.socket.readyState === WebSocket.OPEN && (!appId || c.app.clientId === appId),
		);
	}

	/** The first ACK of a CALLBACK (already recorded, or the next one); rejects after `timeoutMs`. */
	async waitForAck(messageId: string, timeoutMs = 30_000): Promise<RecordedAck> {
		const recorded = this.acks.find((a) => a.messageId === messageId);
		if (recorded) return recorded;
		const waiters = this.ackWaiters.get(messageId) ?? [];
		this.ackWaiters.set(messageId, waiters);
		return await new Promise<RecordedAck>((resolve, reject) => {
			const done = (ack: RecordedAck) => {
				clearTimeout(timer);
				resolve(ack);
			};
			const timer = setTimeout(() => {
				const at = waiters.indexOf(done);
				if (at >= 0) waiters.splice(at, 1);
				reject(new Error(`no ACK for ${messageId} within ${timeoutMs} ms`));
			}, timeoutMs);
			timer.unref();
			waiters.push(done);
		});
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
		connection.socket.send(systemDisconnectFrame());
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
		for (const p of this.pendingEvents.values()) clearTimeout(p.timer);
		this.pendingEvents.clear();
		this.eventOfMessage.clear();
		this.eventDeliveries.length = 0;
		this.eventAcks.length = 0;
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

/** DingTalk's SYSTEM disconnect frame, as text (the gateway asks the client to move to a new socket). */
export function systemDisconnectFrame(): string {
	return JSON.stringify({
		specVersion: '1.0',
		type: 'SYSTEM',
		headers: {
			contentType: 'application/json',
			messageId: randomUUID(),
			time: String(Date.now()),
			topic: 'disconnect',
		},
		data: JSON.stringify({ reason: 'connection is expired' }),
	});
}
