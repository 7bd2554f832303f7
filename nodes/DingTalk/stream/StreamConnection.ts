import { EventEmitter } from 'events';

import {
	callbackAck,
	type DownstreamFrame,
	eventAck,
	type EventAckStatus,
	eventAckStatus,
	parseCallbackData,
	type StreamCallback,
	STREAM_TOPICS,
} from './frames';
import { type OpenConnection, StreamSdkClient } from './StreamSdkClient';
import { isStandInAnswer } from '../api/cards';
import { orgEventCallback, orgEventFromStream } from '../transport/orgEvents';
import { isJsonObject } from '../../shared/json';

export type StreamState = 'idle' | 'connecting' | 'connected' | 'retrying' | 'stopped';

export interface StreamStatus {
	mode: 'long_connection';
	clientId: string;
	state: StreamState;
	connected: boolean;
	lastConnectedAt: string | null;
	lastDisconnectedAt: string | null;
	lastCallbackAt: string | null;
	lastError: string | null;
	reconnectCount: number;
	subscribedTopics: string[];
	/** Whether the current socket subscribed EVENT `*` (only while an events trigger of the app is active). */
	subscribedEvents: boolean;
	subscribers: number;
	/** Subscribers that take organisation events. */
	eventSubscribers: number;
}

/** A subscriber (one active trigger) gets every callback; what it resolves with is the ACK's response. */
export type CallbackHandler = (callback: StreamCallback) => Promise<unknown>;

/** What a subscriber takes besides callbacks: organisation events of the types `wantsEvent` accepts. */
export interface SubscriberOptions {
	wantsEvent?: (eventType: string) => boolean;
}

export interface StreamLogger {
	debug(message: string, meta?: object): void;
	info(message: string, meta?: object): void;
	warn(message: string, meta?: object): void;
	error(message: string, meta?: object): void;
}

export interface StreamConnectionOptions {
	openConnection: OpenConnection;
	logger?: StreamLogger;
	/** WebSocket ping interval; a socket without a pong by the next ping is treated as dead. */
	keepAliveIntervalMs?: number;
	backoff?: { baseMs: number; maxMs: number };
	random?: () => number;
	/** Reconnects in a row that DingTalk refused for the credentials before 'auth-failed' is emitted (default 3). */
	maxAuthFailures?: number;
}

const silentLogger: StreamLogger = {
	debug: () => undefined,
	info: () => undefined,
	warn: () => undefined,
	error: () => undefined,
};

/**
 * One Stream connection for one DingTalk app in this n8n process, shared by every active trigger of that app
 * (DingTalk balances messages across an app's connections, so two sockets would each see half). Reconnects with
 * exponential backoff and jitter (1 s doubling to 60 s) for as long as it has subscribers; detects dead sockets
 * with WebSocket pings; reconnects at once on SYSTEM disconnect; ACKs each callback on the socket it came from,
 * once every subscriber's handler has settled. Emits 'connected', 'disconnected' (reason), 'error-status' (message)
 * and 'auth-failed' (DingTalk's error) once `maxAuthFailures` reconnects in a row were refused for the credentials
 * (a secret revoked or rotated after activation): retrying will not fix that, the user must. Network and server
 * failures never count: they keep retrying quietly.
 */
export class StreamConnection extends EventEmitter {
	private readonly sdk: StreamSdkClient;
	private readonly handlers = new Set<CallbackHandler>();
	/** The subscribers that take organisation events, with the event types each wants. */
	private readonly eventHandlers = new Map<CallbackHandler, (eventType: string) => boolean>();
	/** Whether the open socket subscribed EVENT (the subscriptions are sent when a connection opens). */
	private eventsSubscribed = false;
	private readonly logger: StreamLogger;
	private readonly keepAliveIntervalMs: number;
	private readonly backoff: { baseMs: number; maxMs: number };
	private readonly random: () => number;
	private state: StreamState = 'idle';
	private attempt = 0;
	private generation = 0;
	private retryTimer?: NodeJS.Timeout;
	private keepAliveTimer?: NodeJS.Timeout;
	private awaitingPong = false;
	private readonly times = {
		lastConnectedAt: null as string | null,
		lastDisconnectedAt: null as string | null,
	};
	private lastCallbackMs = 0;
	private lastError: string | null = null;
	private reconnectCount = 0;
	private readonly maxAuthFailures: number;
	private authFailures = 0;

	constructor(
		readonly clientId: string,
		clientSecret: string,
		options: StreamConnectionOptions,
	) {
		super();
		this.logger = options.logger ?? silentLogger;
		this.keepAliveIntervalMs = options.keepAliveIntervalMs ?? 20_000;
		this.backoff = options.backoff ?? { baseMs: 1000, maxMs: 60_000 };
		this.random = options.random ?? Math.random;
		this.maxAuthFailures = options.maxAuthFailures ?? 3;
		this.sdk = new StreamSdkClient(clientId, clientSecret, options.openConnection);
		this.sdk.on('callback', (frame: DownstreamFrame) =>
			// A rejection here would be unhandled (fatal in Node); onCallback catches its own, this is the last resort.
			this.onCallback(frame).catch((error: Error) =>
				this.logger.error(`DingTalk Stream: callback handling failed: ${error?.message}`, {
					clientId,
				}),
			),
		);
		this.sdk.on('event', (frame: DownstreamFrame) =>
			this.onEvent(frame).catch((error: Error) =>
				this.logger.error(`DingTalk Stream: event handling failed: ${error?.message}`, {
					clientId,
				}),
			),
		);
		this.sdk.on('close', (code: number, reason: string) =>
			this.onSocketLost(`socket closed (${code}${reason ? `: ${reason}` : ''})`),
		);
		this.sdk.on('socket-error', (error: Error) =>
			this.recordError(`socket error: ${error.message}`),
		);
		this.sdk.on('pong', () => (this.awaitingPong = false));
		this.sdk.on('frame-error', (problem: string) =>
			this.logger.warn(`DingTalk Stream: ignored a bad frame (${problem})`, { clientId }),
		);
		this.sdk.on('server-disconnect', () => {
			// DingTalk stops delivering on this socket and closes it ~10 s later: move to a fresh one now.
			this.logger.info('DingTalk Stream: gateway asked to reconnect (SYSTEM disconnect)', {
				clientId,
			});
			this.onSocketLost('gateway sent SYSTEM disconnect', true);
		});
	}

	/**
	 * Adds a subscriber. The first one starts the connection and waits for it: a failure (bad secret, app not found)
	 * rejects with DingTalk's message and leaves nothing running. Later subscribers join whatever state it is in.
	 */
	async subscribe(handler: CallbackHandler, options: SubscriberOptions = {}): Promise<void> {
		const starting = this.state === 'idle' || this.state === 'stopped';
		this.handlers.add(handler);
		if (options.wantsEvent) this.eventHandlers.set(handler, options.wantsEvent);
		this.syncEventSubscription();
		if (!starting) return;
		this.state = 'connecting';
		try {
			await this.connectOnce();
		} catch (error) {
			this.handlers.delete(handler);
			this.eventHandlers.delete(handler);
			if (this.handlers.size === 0) this.stop();
			else {
				this.syncEventSubscription();
				this.scheduleRetry();
			}
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no n8n context; the trigger converts it
			throw error;
		}
	}

	/** Removes a subscriber; the last one closes the socket. Returns how many remain. */
	unsubscribe(handler: CallbackHandler): number {
		this.handlers.delete(handler);
		this.eventHandlers.delete(handler);
		if (this.handlers.size === 0) this.stop();
		else this.syncEventSubscription();
		return this.handlers.size;
	}

	/**
	 * EVENT `*` is subscribed exactly while a subscriber takes events: a bot-only app must not consume its events
	 * (each push goes to one of the app's connections; an ACK here would be a loss elsewhere). Subscriptions are sent
	 * when a connection opens, so a change on an open socket re-registers it at once (DingTalk redelivers what was
	 * in flight; de-duplication keeps that to one run).
	 */
	private syncEventSubscription(): void {
		const wanted = this.eventHandlers.size > 0;
		if (wanted === this.sdk.eventsRequested) return;
		this.sdk.subscribeEvents(wanted);
		if (this.state === 'connected')
			this.onSocketLost(
				`subscriptions changed (organisation events ${wanted ? 'on' : 'off'})`,
				true,
			);
	}

	status(): StreamStatus {
		return {
			mode: 'long_connection',
			clientId: this.clientId,
			state: this.state,
			connected: this.state === 'connected',
			...this.times,
			lastCallbackAt: this.lastCallbackMs ? new Date(this.lastCallbackMs).toISOString() : null,
			lastError: this.lastError,
			reconnectCount: this.reconnectCount,
			subscribedTopics: [...STREAM_TOPICS],
			subscribedEvents: this.state === 'connected' && this.eventsSubscribed,
			subscribers: this.handlers.size,
			eventSubscribers: this.eventHandlers.size,
		};
	}

	/** Drops the socket and connects again at once (Connection → Reconnect); also resumes after `disconnect`. */
	reconnect(): void {
		if (this.handlers.size === 0) return;
		if (this.state === 'stopped' || this.state === 'idle') {
			this.state = 'retrying';
			this.scheduleRetry(0);
			return;
		}
		this.onSocketLost('reconnect requested', true);
	}

	/** Closes the socket but keeps the subscribers, until `reconnect` (Connection → Disconnect). */
	disconnect(): void {
		this.halt('disconnected on request');
	}

	/** Closes for good: the last subscriber left. */
	stop(): void {
		this.halt('stopped');
	}

	private halt(reason: string): void {
		this.state = 'stopped';
		clearTimeout(this.retryTimer);
		clearInterval(this.keepAliveTimer);
		this.generation++;
		this.sdk.disconnect();
		this.times.lastDisconnectedAt = new Date().toISOString();
		this.logger.info(`DingTalk Stream: ${reason}`, { clientId: this.clientId });
		this.emit('disconnected', reason);
	}

	private async connectOnce(): Promise<void> {
		const generation = ++this.generation;
		const superseded = () => generation !== this.generation || this.state === 'stopped';
		const withEvents = this.sdk.eventsRequested;
		try {
			await this.sdk.getEndpoint();
			// A newer connect (Reconnect) or a stop came while the ticket was fetched: open nothing. The SDK holds one
			// socket; opening this one would take it over from the newer connect, whose callbacks' ACKs would be lost.
			if (superseded()) return;
			await this.sdk._connect();
		} catch (error) {
			// Its socket was closed for a newer connect or a stop: not a failure, and the newer one decides what follows.
			if (superseded()) return;
			const message = (error as Error).message;
			this.recordError(`connect failed: ${message}`);
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no n8n context; the trigger converts it
			throw error;
		}
		if (superseded()) {
			this.sdk.disconnect();
			return;
		}
		this.state = 'connected';
		this.eventsSubscribed = withEvents;
		this.attempt = 0;
		this.authFailures = 0;
		this.times.lastConnectedAt = new Date().toISOString();
		this.startKeepAlive();
		this.logger.info('DingTalk Stream: connected', { clientId: this.clientId });
		this.emit('connected');
		// An events trigger came or went while this connection was opening: open one with the right subscriptions.
		if (withEvents !== this.sdk.eventsRequested)
			this.onSocketLost('subscriptions changed while connecting', true);
	}

	private onSocketLost(reason: string, immediately = false): void {
		if (this.state === 'stopped') return;
		clearInterval(this.keepAliveTimer);
		this.generation++;
		this.sdk.disconnect();
		this.times.lastDisconnectedAt = new Date().toISOString();
		this.logger.warn(`DingTalk Stream: disconnected (${reason})`, { clientId: this.clientId });
		// Listeners read status() (the trigger's Connection Events items): it must already say "not connected".
		this.state = 'retrying';
		this.emit('disconnected', reason);
		this.scheduleRetry(immediately ? 0 : undefined);
	}

	private scheduleRetry(delayMs?: number): void {
		if (this.state === 'stopped' || this.handlers.size === 0) return;
		clearTimeout(this.retryTimer);
		this.state = 'retrying';
		const exponential = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** this.attempt);
		const delay = delayMs ?? Math.round(exponential / 2 + this.random() * (exponential / 2));
		this.attempt++;
		this.retryTimer = setTimeout(() => {
			if (this.state === 'stopped') return;
			this.reconnectCount++;
			this.state = 'connecting';
			this.connectOnce().catch((error: unknown) => this.onReconnectFailed(error));
		}, delay);
	}

	private onReconnectFailed(error: unknown): void {
		const refusedCredentials = (error as { kind?: unknown }).kind === 'credentials';
		this.authFailures = refusedCredentials ? this.authFailures + 1 : 0;
		// Once per streak: the trigger hands it to n8n, which deactivates the workflow (and so unsubscribes).
		if (refusedCredentials && this.authFailures === this.maxAuthFailures)
			this.emit('auth-failed', error);
		this.scheduleRetry();
	}

	private startKeepAlive(): void {
		clearInterval(this.keepAliveTimer);
		this.awaitingPong = false;
		this.keepAliveTimer = setInterval(() => {
			const socket = this.sdk.webSocket;
			if (!socket) return;
			if (this.awaitingPong) {
				this.onSocketLost('no pong from the gateway: dead connection');
				return;
			}
			this.awaitingPong = true;
			socket.ping();
		}, this.keepAliveIntervalMs);
	}

	private recordError(message: string): void {
		this.lastError = message;
		this.logger.warn(`DingTalk Stream: ${message}`, { clientId: this.clientId });
		this.emit('error-status', message);
	}

	/** The common case (one trigger per app) without allSettled's array and wrapper promises. */
	private async runOne(
		handler: CallbackHandler,
		callback: StreamCallback,
	): Promise<Array<PromiseSettledResult<unknown>>> {
		try {
			return [{ status: 'fulfilled', value: await handler(callback) }];
		} catch (reason) {
			return [{ status: 'rejected', reason }];
		}
	}

	/**
	 * An EVENT frame: handed to the subscribers that want its type, then ACKed on the socket it came from, SUCCESS
	 * when every run succeeded (or nobody wants the event), LATER when one failed, so DingTalk pushes it again and
	 * only that subscriber runs again (the others drop the redelivery). Under ACK Policy "Immediately" the handlers
	 * resolve at once. An event that cannot be read is ACKed SUCCESS and logged: a redelivery would read no better.
	 */
	private async onEvent(frame: DownstreamFrame): Promise<void> {
		const generation = this.generation;
		const socket = this.sdk.webSocket;
		const ack = (status: EventAckStatus) => {
			if (generation !== this.generation || !socket || socket.readyState !== socket.OPEN) return;
			socket.send(eventAck(frame.headers.messageId, status));
		};
		this.lastCallbackMs = Date.now();
		const parsed = orgEventFromStream(frame.headers, frame.data);
		if ('problem' in parsed) {
			this.logger.warn(`DingTalk Stream: ACKed and ignored an event (${parsed.problem})`, {
				clientId: this.clientId,
			});
			ack('SUCCESS');
			return;
		}
		const { eventType } = parsed.envelope;
		const wanting = [...this.eventHandlers]
			.filter(([, wantsEvent]) => wantsEvent(eventType))
			.map(([handler]) => handler);
		if (wanting.length === 0) {
			ack('SUCCESS');
			return;
		}
		const callback: StreamCallback = {
			...orgEventCallback(parsed.envelope),
			headers: frame.headers,
			receivedAt: Date.now(),
		};
		const results =
			wanting.length === 1
				? await this.runOne(wanting[0], callback)
				: await Promise.allSettled(wanting.map(async (handler) => await handler(callback)));
		const status = eventAckStatus(results);
		if (status === 'LATER')
			this.logger.warn('DingTalk Stream: a run for this event failed; ACKed LATER for redelivery', {
				clientId: this.clientId,
				eventId: callback.messageId,
			});
		ack(status);
	}

	private async onCallback(frame: DownstreamFrame): Promise<void> {
		const generation = this.generation;
		const socket = this.sdk.webSocket;
		const ack = (response: unknown) => {
			// An ACK only means something on the socket the frame came from; after a reconnect DingTalk redelivers.
			if (generation !== this.generation || !socket || socket.readyState !== socket.OPEN) return;
			let text: string;
			try {
				text = callbackAck(frame.headers.messageId, response);
			} catch (error) {
				// A run's answer JSON cannot write (circular, BigInt, too deep): the callback is still answered.
				this.logger.warn(
					`DingTalk Stream: a run's answer cannot be sent (${(error as Error).message}); ACKed without it`,
					{ clientId: this.clientId },
				);
				text = callbackAck(frame.headers.messageId, null);
			}
			socket.send(text);
		};
		this.lastCallbackMs = Date.now(); // formatted only when status() is asked for: this is the hot path
		const data = parseCallbackData(frame);
		if (!data || !STREAM_TOPICS.includes(frame.headers.topic)) {
			this.logger.warn(
				'DingTalk Stream: ACKed and ignored a callback with unusable data or an unknown topic',
				{
					clientId: this.clientId,
					topic: frame.headers.topic,
				},
			);
			ack(null);
			return;
		}
		const callback: StreamCallback = {
			topic: frame.headers.topic,
			messageId: frame.headers.messageId,
			headers: frame.headers,
			data,
			receivedAt: Date.now(),
		};
		const results =
			this.handlers.size === 1
				? await this.runOne(this.handlers.values().next().value as CallbackHandler, callback)
				: await Promise.allSettled(
						[...this.handlers].map(async (handler) => await handler(callback)),
					);
		if (results.some((r) => r.status === 'rejected')) {
			// A subscriber's run failed: leave it un-ACKed so DingTalk delivers it again. Subscribers whose run
			// succeeded drop the redelivery (de-duplication), so only the failed one runs again.
			this.logger.warn(
				'DingTalk Stream: a run for this callback failed; leaving it for redelivery',
				{ clientId: this.clientId, messageId: callback.messageId },
			);
			return;
		}
		// Stand-in answers go first, so where a run's own answer says something else, the run's words win the merge.
		const answers = results
			.filter(
				(r): r is PromiseFulfilledResult<unknown> =>
					r.status === 'fulfilled' && r.value !== undefined && r.value !== null,
			)
			.map((r) => r.value)
			.sort((a, b) => Number(!isStandInAnswer(a)) - Number(!isStandInAnswer(b)));
		// Several workflows may answer one card click (say, one ends the session, one sets a status): DingTalk takes
		// one answer, so their card updates are merged.
		const answer: unknown =
			answers.length > 1
				? answers.reduce((merged, next) => mergeAnswers(merged, next))
				: (answers[0] ?? null);
		ack(answer);
	}
}

/** Card updates are a few levels deep; below this the later answer's value wins whole (no recursion to exhaust). */
const MAX_MERGE_DEPTH = 32;

/**
 * Deep merge of two card-callback answers; where they disagree on a plain value, the later one wins. Answers come
 * from workflow runs, so keys such as `__proto__` are kept as plain data (never a prototype) and depth is bounded.
 */
export function mergeAnswers(a: unknown, b: unknown, depth = 0): unknown {
	if (!isJsonObject(a) || !isJsonObject(b) || depth >= MAX_MERGE_DEPTH) return b ?? a;
	const merged: Record<string, unknown> = { ...a };
	for (const [key, value] of Object.entries(b)) {
		const next = Object.hasOwn(a, key) ? mergeAnswers(a[key], value, depth + 1) : value;
		Object.defineProperty(merged, key, {
			value: next,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return merged;
}
