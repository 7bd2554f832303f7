/**
 * Stream frames through StreamConnection's callback path (the SDK client's onDownStream → 'callback' → the
 * connection's handler → ACK): no frame throws, none leaves a rejected promise, and after every hostile frame a
 * good callback still reaches the subscriber and is ACKed on the socket.
 */
import { StreamConnection } from '../../../nodes/DingTalk/stream/StreamConnection';
import { TOPIC_ORG_EVENT } from '../../../nodes/DingTalk/transport/orgEvents';
import { check, type FuzzTarget, mustNotThrow, type Outcome } from '../harness';
import { ALNUM, deepNest, hostileValue, mutateObject, type Rng } from '../prng';

const ROBOT = '/v1.0/im/bot/messages/get';

interface Probe {
	/** Feeds one raw WebSocket text message to the connection. */
	receive(raw: string): void;
	/** Frames the connection sent back on the socket. */
	sent: string[];
	/** Callbacks the subscriber got. */
	delivered: Array<{ messageId: unknown; data: unknown }>;
	/** Organisation events the subscriber got. */
	events: Array<{ messageId: unknown; data: unknown }>;
	/** Rejections of the connection's (fire-and-forget) callback handling. */
	rejections: unknown[];
	/** Puts a fresh socket in place if a frame (SYSTEM disconnect) made the connection drop its own. */
	reattach(): void;
	close(): void;
}

/**
 * Adapter: a StreamConnection with one subscriber and a fake open socket, without a gateway. Reaches three private
 * members (the SDK client, its socket, the subscriber set), so this is the function to adjust if they change.
 */
function connectionProbe(): Probe {
	const probe: Probe = {
		receive: () => undefined,
		sent: [],
		delivered: [],
		events: [],
		rejections: [],
		reattach: () => undefined,
		close: () => undefined,
	};
	const connection = new StreamConnection('dingfuzz', 'secret-not-used', {
		openConnection: async () => await Promise.reject(new Error('no gateway in the fuzz suite')),
	});
	const internals = connection as unknown as {
		sdk: { onDownStream(raw: string): void; socket?: unknown };
		handlers: Set<(callback: { messageId: unknown; data: unknown }) => Promise<unknown>>;
		eventHandlers: Map<unknown, (eventType: string) => boolean>;
		onCallback(frame: unknown): Promise<void>;
		onEvent(frame: unknown): Promise<void>;
	};
	const socket = {
		readyState: 1,
		OPEN: 1,
		send: (text: string) => probe.sent.push(text),
		ping: () => undefined,
		terminate: () => undefined,
		removeAllListeners: () => undefined,
		on: () => undefined,
	};
	internals.sdk.socket = socket;
	probe.reattach = () => {
		internals.sdk.socket ??= socket;
	};
	probe.close = () => connection.stop();
	const handler = async (callback: { messageId: unknown; data: unknown; topic?: unknown }) => {
		if (callback.topic === TOPIC_ORG_EVENT)
			probe.events.push({ messageId: callback.messageId, data: callback.data });
		else probe.delivered.push({ messageId: callback.messageId, data: callback.data });
		return null;
	};
	internals.handlers.add(handler);
	// The subscriber takes organisation events too (EVENT subscribed), of every type but one.
	internals.eventHandlers.set(handler, (eventType) => eventType !== 'unwanted_type');
	(internals.sdk as unknown as { subscribeEvents(on: boolean): void }).subscribeEvents(true);
	// The SDK listener calls this.onCallback(frame) / onEvent(frame) and drops the promise: catch what it would leave unhandled.
	const onCallback = internals.onCallback.bind(connection);
	internals.onCallback = async (frame) =>
		await onCallback(frame).catch((error: unknown) => void probe.rejections.push(error));
	const onEvent = internals.onEvent.bind(connection);
	internals.onEvent = async (frame) =>
		await onEvent(frame).catch((error: unknown) => void probe.rejections.push(error));
	probe.receive = (raw) => internals.sdk.onDownStream(raw);
	return probe;
}

function goodFrame(rng: Rng, messageId: string): Record<string, unknown> {
	return {
		specVersion: '1.0',
		type: 'CALLBACK',
		headers: {
			appId: 'app',
			contentType: 'application/json',
			messageId,
			time: String(1_700_000_000_000 + rng.int(1e9)),
			topic: ROBOT,
		},
		data: JSON.stringify({
			msgtype: 'text',
			msgId: `msg${rng.string(ALNUM, 6, 12)}`,
			conversationId: 'cid1',
			text: { content: rng.text(20) },
		}),
	};
}

/** An organisation event as DingTalk pushes it (Stream mode): meta in headers, business fields in data. */
function eventFrame(rng: Rng, messageId: string, eventId: string): Record<string, unknown> {
	return {
		specVersion: '1.0',
		type: 'EVENT',
		headers: {
			appId: 'app',
			contentType: 'application/json',
			messageId,
			time: String(1_700_000_000_000 + rng.int(1e9)),
			topic: '*',
			eventType: rng.pick(['bpms_instance_change', 'user_add_org', 'unwanted_type']),
			eventId,
			eventCorpId: 'dingcorp',
			eventBornTime: String(1_700_000_000_000 + rng.int(1e9)),
		},
		data: JSON.stringify({ processInstanceId: rng.text(10), userId: [rng.text(5)] }),
	};
}

function hostileFrame(rng: Rng): string {
	switch (rng.int(10)) {
		case 8: {
			const frame = eventFrame(rng, 'e1', `evt${rng.string(ALNUM, 4, 8)}`);
			frame.headers = mutateObject(rng, frame.headers as Record<string, unknown>);
			frame.data = rng.pick([
				hostileValue(rng),
				JSON.stringify(hostileValue(rng)),
				'null',
				`${'['.repeat(2000)}${']'.repeat(2000)}`,
				frame.data,
			]);
			return JSON.stringify(frame);
		}
		case 9:
			return JSON.stringify(mutateObject(rng, eventFrame(rng, 'e2', rng.text(300))));
		case 0:
			return rng.text(200);
		case 1:
			return JSON.stringify(hostileValue(rng));
		case 2:
			return '{"type":{"toString":1},"headers":{"messageId":"m","topic":"t"},"data":"{}"}';
		case 3:
			return JSON.stringify({
				type: rng.pick(['CALLBACK', 'SYSTEM', 'EVENT']),
				headers: hostileValue(rng),
				data: hostileValue(rng),
			});
		case 4: {
			const frame = goodFrame(rng, 'h1');
			frame.headers = mutateObject(rng, frame.headers as Record<string, unknown>);
			return JSON.stringify(frame);
		}
		case 5: {
			const frame = goodFrame(rng, 'h2');
			frame.type = rng.pick(['SYSTEM', 'EVENT', 'CALLBACK']);
			(frame.headers as Record<string, unknown>).topic = rng.pick([
				'ping',
				'disconnect',
				ROBOT,
				'/v1.0/card/instances/callback',
				hostileValue(rng),
			]);
			frame.data = rng.pick([
				hostileValue(rng),
				JSON.stringify(hostileValue(rng)),
				'null',
				'[]',
				`${'['.repeat(2000)}${']'.repeat(2000)}`,
			]);
			return JSON.stringify(frame);
		}
		case 6:
			return JSON.stringify(mutateObject(rng, goodFrame(rng, 'h3')));
		default:
			return JSON.stringify({
				...goodFrame(rng, 'h4'),
				data: JSON.stringify(deepNest(rng.pick([1000, 2000]), rng.chance(0.5))),
			});
	}
}

const settle = async () => await new Promise((resolve) => setImmediate(resolve));

export const streamFramesTarget: FuzzTarget = {
	name: 'streamFrames',
	// Most frames are hostile on purpose; the good and mutated-but-readable ones are delivered (seeded: 13 %).
	minAcceptedShare: 0.08,
	async run(rng: Rng): Promise<Outcome> {
		const probe = connectionProbe();
		try {
			return await runOne(rng, probe);
		} finally {
			probe.close();
		}
	},
};

async function runOne(rng: Rng, probe: Probe): Promise<Outcome> {
	{
		const raw = hostileFrame(rng);
		const input = { frame: raw };
		mustNotThrow(input, 'onDownStream (hostile frame)', () => probe.receive(raw));
		await settle();
		check(
			probe.rejections.length === 0,
			`the callback path rejected: ${String((probe.rejections[0] as Error)?.message)}`,
			input,
		);
		const accepted = probe.delivered.length > 0;
		probe.reattach();
		// The connection keeps working: a good callback afterwards is delivered and ACKed.
		const id = `good-${rng.string(ALNUM, 8, 8)}`;
		const before = probe.delivered.length;
		mustNotThrow(input, 'onDownStream (good frame after a hostile one)', () =>
			probe.receive(JSON.stringify(goodFrame(rng, id))),
		);
		await settle();
		await settle();
		check(
			probe.delivered.length === before + 1 && probe.delivered[before].messageId === id,
			'a good callback after a hostile frame did not reach the subscriber',
			input,
		);
		check(
			probe.sent.some((text) => text.includes(id)),
			'a good callback after a hostile frame was not ACKed',
			input,
		);
		// And a good event afterwards: every EVENT frame is ACKed with a status (SUCCESS or LATER), wanted or not.
		const eventMessageId = `good-evt-${rng.string(ALNUM, 8, 8)}`;
		const eventId = `evt-${rng.string(ALNUM, 8, 8)}`;
		const frame = eventFrame(rng, eventMessageId, eventId);
		const wanted = (frame.headers as Record<string, string>).eventType !== 'unwanted_type';
		const eventsBefore = probe.events.length;
		mustNotThrow(input, 'onDownStream (good event after a hostile frame)', () =>
			probe.receive(JSON.stringify(frame)),
		);
		await settle();
		await settle();
		check(
			probe.events.length === eventsBefore + (wanted ? 1 : 0) &&
				(!wanted || probe.events[eventsBefore].messageId === eventId),
			wanted
				? 'a good event after a hostile frame did not reach the subscriber'
				: 'an event of a type nobody wants reached the subscriber',
			input,
		);
		check(
			probe.sent.some(
				(text) => text.includes(eventMessageId) && text.includes('\\"status\\":\\"SUCCESS\\"'),
			),
			'a good event after a hostile frame was not ACKed SUCCESS',
			input,
		);
		return accepted || probe.events.length > eventsBefore ? 'accepted' : 'refused';
	}
}
