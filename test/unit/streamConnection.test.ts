import { defaultFixture, FakeDingTalk } from '../fake-dingtalk';
import {
	mergeAnswers,
	StreamConnection,
	type StreamConnectionOptions,
} from '../../nodes/DingTalk/stream/StreamConnection';
import { asStandInAnswer } from '../../nodes/DingTalk/api/cards';
import { openStreamConnection } from '../../nodes/DingTalk/api/gateway';
import { EventPipeline } from '../../nodes/DingTalk/pipeline/EventPipeline';
import {
	DEFAULT_PIPELINE_OPTIONS,
	type PipelineOptions,
} from '../../nodes/DingTalk/pipeline/options';
import { AccessTokenCache, axiosSender, DingTalkClient } from '../../nodes/DingTalk/transport';
import { waitFor } from '../support/waitFor';

const ROBOT = '/v1.0/im/bot/messages/get';
const fixture = defaultFixture();
const app = fixture.apps[0];

describe('StreamConnection against the fake gateway', () => {
	const fake = new FakeDingTalk(fixture);
	const connections: StreamConnection[] = [];
	const connect = (overrides: Partial<StreamConnectionOptions> = {}, secret = app.clientSecret) => {
		const config = { ...fake.appConfig(), clientSecret: secret };
		const client = new DingTalkClient(config, axiosSender, {
			tokenCache: new AccessTokenCache(),
			retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
		});
		const c = new StreamConnection(app.clientId, secret, {
			openConnection: async (subs, ua) => await openStreamConnection(client, subs, ua),
			backoff: { baseMs: 20, maxMs: 200 },
			...overrides,
		});
		connections.push(c);
		return c;
	};
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		fake.gateway.drop(); // sockets a previous test left half-open (the stalled one) would receive deliveries
		fake.reset();
		fake.gateway.redeliveryMs = 150;
		fake.gateway.eventRedeliveryMs = 3000;
		fake.gateway.eventLaterMs = 2000;
	});
	afterEach(() => {
		for (const c of connections.splice(0)) c.stop();
	});

	it('shares one socket among subscribers, fans out, ACKs once after all handlers settle', async () => {
		const c = connect();
		const seen: string[] = [];
		let release!: () => void;
		const slow = new Promise<void>((resolve) => (release = resolve));
		const a = async () => (seen.push('a'), await slow, null);
		const b = async () => (seen.push('b'), { from: 'b' });
		await c.subscribe(a);
		await c.subscribe(b);
		expect(fake.gateway.liveConnections()).toHaveLength(1);
		const id = fake.gateway.pushCallback(ROBOT, { msgId: 'm1' });
		await waitFor(() => seen.length === 2);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(fake.gateway.acks).toHaveLength(0);
		release();
		const ack = await waitFor(() => fake.gateway.acks.find((x) => x.messageId === id));
		expect(ack.data).toEqual({ response: { from: 'b' } });
		expect(c.unsubscribe(a)).toBe(1);
		expect(c.unsubscribe(b)).toBe(0);
		expect(c.status().state).toBe('stopped');
		await waitFor(() => fake.gateway.liveConnections().length === 0);
	});

	it("fails the first subscribe with DingTalk's error for a wrong secret and leaves nothing running", async () => {
		const c = connect({}, 'wrong-secret');
		await expect(c.subscribe(async () => null)).rejects.toMatchObject({
			code: 'invalidClientIdOrSecret',
		});
		expect(c.status()).toMatchObject({
			state: 'stopped',
			lastError: expect.stringMatching(/invalidClientIdOrSecret/),
		});
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(fake.requestsTo('/v1.0/gateway/connections/open')).toHaveLength(1);
	});

	it('reconnects with growing backoff while the gateway refuses, then recovers', async () => {
		const c = connect();
		await c.subscribe(async () => null);
		const authFailures: unknown[] = [];
		c.on('auth-failed', (error) => authFailures.push(error));
		const seenOnDisconnect: Array<{ state: string; connected: boolean }> = [];
		c.on('disconnected', () => seenOnDisconnect.push(c.status()));
		fake.injectFault({ path: '/v1.0/gateway/connections/open', kind: 'serverError', times: 4 });
		fake.gateway.drop();
		await waitFor(() => seenOnDisconnect.length > 0);
		// What a Connection Events item reports for the drop: no longer connected.
		expect(seenOnDisconnect[0]).toMatchObject({ state: 'retrying', connected: false });
		await waitFor(
			() => c.status().state === 'connected' && fake.gateway.liveConnections().length === 1,
			10_000,
		);
		const opens = fake.requestsTo('/v1.0/gateway/connections/open').slice(1);
		expect(opens.map((r) => r.status)).toEqual([500, 500, 500, 500, 200]);
		const gaps = opens.slice(1).map((r, i) => r.at - opens[i].at);
		expect(gaps[3]).toBeGreaterThan(gaps[0]);
		expect(c.status().reconnectCount).toBe(5);
		// Server and network failures retry quietly: they are never reported as a credential problem.
		expect(authFailures).toHaveLength(0);
	});

	it('reports a secret revoked after activation once, after 3 refused reconnects in a row, and keeps retrying', async () => {
		const c = connect();
		await c.subscribe(async () => null);
		const authFailures: Array<{ code?: string; hint?: string }> = [];
		c.on('auth-failed', (error: { code?: string; hint?: string }) => authFailures.push(error));
		const secret = fake.apps[0].clientSecret;
		try {
			fake.apps[0].clientSecret = 'revoked-in-the-developer-console';
			fake.gateway.drop();
			await waitFor(() => authFailures.length > 0);
			const refused = fake.requestsTo('/v1.0/gateway/connections/open').slice(1);
			expect(refused.map((r) => r.status)).toEqual([400, 400, 400]);
			expect(authFailures[0]).toMatchObject({
				code: 'invalidClientIdOrSecret',
				hint: expect.stringMatching(/Client Secret in the credential/),
			});
			expect(c.status().state).not.toBe('stopped');
			await waitFor(() => fake.requestsTo('/v1.0/gateway/connections/open').length >= 7);
			expect(authFailures).toHaveLength(1);
		} finally {
			fake.apps[0].clientSecret = secret;
		}
		await waitFor(() => c.status().state === 'connected');
	});

	it('moves to a new socket at once on SYSTEM disconnect', async () => {
		const c = connect();
		await c.subscribe(async () => null);
		const [first] = fake.gateway.liveConnections();
		const started = Date.now();
		fake.gateway.sendDisconnect(first, 10_000);
		await waitFor(() => fake.gateway.liveConnections().some((x) => x.id !== first.id));
		expect(Date.now() - started).toBeLessThan(1000);
		await waitFor(() => fake.gateway.liveConnections().length === 1);
	});

	it('detects a dead socket with keep-alive pings and reconnects', async () => {
		const c = connect({ keepAliveIntervalMs: 100 });
		await c.subscribe(async () => null);
		const [first] = fake.gateway.liveConnections();
		fake.gateway.stall(first);
		await waitFor(() => fake.gateway.liveConnections().some((x) => x.id !== first.id), 5000);
		expect(c.status().lastDisconnectedAt).not.toBeNull();
	});

	describe('organisation events', () => {
		const subscriptionsOf = (open: { body: unknown }) =>
			(open.body as { subscriptions: Array<{ type: string }> }).subscriptions.map((x) => x.type);

		it('a bot-only connection subscribes no EVENT and is pushed none; the first events subscriber re-registers the open connection with EVENT, the last one leaving drops it', async () => {
			const c = connect();
			const bot = async () => null;
			await c.subscribe(bot);
			const [botSocket] = fake.gateway.liveConnections();
			expect(subscriptionsOf(fake.requestsTo('/v1.0/gateway/connections/open')[0])).toEqual([
				'CALLBACK',
				'CALLBACK',
			]);
			const early = fake.gateway.pushEvent('user_add_org', { userId: ['u1'] });
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(fake.gateway.eventDeliveries).toHaveLength(0);
			const seen: string[] = [];
			const events = async (callback: { messageId: string }) => (
				seen.push(callback.messageId),
				null
			);
			await c.subscribe(events, { wantsEvent: (type) => type === 'user_add_org' });
			await waitFor(
				() =>
					c.status().subscribedEvents &&
					fake.gateway.liveConnections().length === 1 &&
					fake.gateway.liveConnections()[0].id !== botSocket.id,
			);
			expect(subscriptionsOf(fake.requestsTo('/v1.0/gateway/connections/open')[1])).toEqual([
				'EVENT',
				'CALLBACK',
				'CALLBACK',
			]);
			// The event DingTalk kept for the app arrives once EVENT is subscribed, and is ACKed SUCCESS after the run.
			await waitFor(() => fake.gateway.eventAcks.find((a) => a.eventId === early));
			expect(seen).toEqual([early]);
			expect(fake.gateway.eventAcks.find((a) => a.eventId === early)?.status).toBe('SUCCESS');
			expect(c.status()).toMatchObject({ subscribers: 2, eventSubscribers: 1 });
			c.unsubscribe(events);
			await waitFor(() => !c.status().subscribedEvents && c.status().state === 'connected');
			expect(subscriptionsOf(fake.requestsTo('/v1.0/gateway/connections/open')[2])).toEqual([
				'CALLBACK',
				'CALLBACK',
			]);
		});

		it('ACKs an unwanted type SUCCESS at once, a failed run LATER (DingTalk pushes it again), and runs a redelivery of a success no more', async () => {
			const c = connect();
			const outcomes = [new Error('run failed'), null];
			const seen: string[] = [];
			let release!: () => void;
			const held = new Promise<void>((resolve) => (release = resolve));
			await c.subscribe(
				async (callback) => {
					seen.push(callback.messageId);
					if (callback.messageId === 'slow') await held;
					const outcome = outcomes.shift();
					if (outcome instanceof Error) throw outcome;
					return null;
				},
				{ wantsEvent: (type) => type === 'bpms_instance_change' },
			);
			fake.gateway.eventLaterMs = 50;
			const unwanted = fake.gateway.pushEvent('user_add_org', { userId: ['u1'] });
			await waitFor(() => fake.gateway.eventAcks.find((a) => a.eventId === unwanted));
			expect(fake.gateway.eventAcks.find((a) => a.eventId === unwanted)?.status).toBe('SUCCESS');
			const failing = fake.gateway.pushEvent('bpms_instance_change', { type: 'start' });
			await waitFor(() =>
				fake.gateway.eventAcks.find((a) => a.status === 'SUCCESS' && a.eventId === failing),
			);
			expect(
				fake.gateway.eventAcks.filter((a) => a.eventId === failing).map((a) => a.status),
			).toEqual(['LATER', 'SUCCESS']);
			expect(seen.filter((id) => id === failing)).toHaveLength(2);
			expect(seen).not.toContain(unwanted);
			// The handler (the pipeline, in the trigger) settles its redelivery; the connection ACKs each delivery.
			fake.gateway.eventRedeliveryMs = 60;
			fake.gateway.pushEvent('bpms_instance_change', { type: 'finish' }, { eventId: 'slow' });
			await waitFor(
				() => fake.gateway.eventDeliveries.filter((d) => d.eventId === 'slow').length >= 2,
			);
			expect(fake.gateway.eventAcks.filter((a) => a.eventId === 'slow')).toHaveLength(0);
			release();
			await waitFor(() =>
				fake.gateway.eventAcks.some((a) => a.eventId === 'slow' && a.status === 'SUCCESS'),
			);
		});
	});

	it.each([
		['the answering workflow subscribed first', true],
		['the answering workflow subscribed last', false],
	])(
		"one click, two workflows (%s): a run's own card answer wins over the other trigger's stand-in",
		async (_order, answeringFirst) => {
			const c = connect();
			const answer = (statusText: string) => ({
				cardData: { cardParamMap: { decided: 'true', statusText } },
				cardUpdateOptions: { updateCardDataByKey: true },
			});
			const own = async () => answer('Approved by u1 in DingTalk approval.');
			const standIn = async () => asStandInAnswer(answer('Approved by u1.'));
			for (const handler of answeringFirst ? [own, standIn] : [standIn, own])
				await c.subscribe(handler);
			const id = fake.gateway.pushCallback('/v1.0/card/instances/callback', {
				outTrackId: 'decision-1',
			});
			const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === id));
			expect((ack.data as { response?: unknown }).response).toEqual(
				answer('Approved by u1 in DingTalk approval.'),
			);
		},
	);

	it('leaves a failed callback un-ACKed so DingTalk redelivers it', async () => {
		const c = connect();
		let calls = 0;
		await c.subscribe(async () => {
			calls++;
			if (calls === 1) throw new Error('run failed');
			return null;
		});
		const id = fake.gateway.pushCallback(ROBOT, { msgId: 'retry-me' });
		await waitFor(() => fake.gateway.acks.some((a) => a.messageId === id));
		expect(calls).toBe(2);
		expect(fake.gateway.deliveries.filter((d) => d.messageId === id)).toHaveLength(2);
	});

	it('survives any frame: after each hostile one, a good message on the same socket is ACKed within 1 s', async () => {
		const pipeline = new EventPipeline(
			{ ...DEFAULT_PIPELINE_OPTIONS, groupMentionsOnly: false },
			async () => ({ ok: true }),
		);
		const c = connect();
		const problems: string[] = [];
		c.on('error-status', (message: string) => problems.push(message));
		await c.subscribe(async (cb) => await pipeline.handle(cb));
		const [socket] = fake.gateway.liveConnections();
		const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`; // JSON.parse takes it; JSON.stringify overflows the stack
		const frame = (type: string, headers: string, data = '"{}"') =>
			`{"specVersion":"1.0","type":${type},"headers":${headers},"data":${data}}`;
		const message = (extra: Record<string, unknown>) =>
			JSON.stringify(
				JSON.stringify({
					msgId: `m${Math.random()}`,
					msgtype: 'text',
					conversationId: 'c',
					conversationType: '1',
					senderStaffId: 'u',
					text: { content: 'hi' },
					...extra,
				}),
			);
		const hostile: Array<[string, string, string?]> = [
			['type that String() throws on', '{"type":{"toString":1}}'],
			['type that is an array', '{"type":["CALLBACK"],"headers":{"messageId":"a","topic":"b"}}'],
			[
				'SYSTEM ping with a deeply nested header',
				frame('"SYSTEM"', `{"messageId":"p1","topic":"ping","x":${deep}}`),
			],
			[
				'EVENT with a deeply nested messageId',
				frame('"EVENT"', `{"messageId":${deep},"topic":"t"}`),
			],
			[
				'CALLBACK with a deeply nested messageId',
				frame('"CALLBACK"', `{"messageId":${deep},"topic":"${ROBOT}"}`),
			],
			[
				'CALLBACK whose messageId String() throws on',
				frame('"CALLBACK"', `{"messageId":{"toString":1},"topic":"${ROBOT}"}`),
			],
			[
				'CALLBACK whose topic String() throws on',
				frame('"CALLBACK"', '{"messageId":"t1","topic":{"toString":1}}'),
			],
			[
				'CALLBACK whose data is an object',
				frame('"CALLBACK"', `{"messageId":"d1","topic":"${ROBOT}"}`, '{"toString":1}'),
				'd1',
			],
			[
				'CALLBACK whose data is deeply nested JSON text',
				frame('"CALLBACK"', `{"messageId":"d2","topic":"${ROBOT}"}`, JSON.stringify(deep)),
				'd2',
			],
			[
				'robot message with atUsers: "x"',
				frame('"CALLBACK"', `{"messageId":"w1","topic":"${ROBOT}"}`, message({ atUsers: 'x' })),
				'w1',
			],
			[
				'robot message with a msgId String() throws on',
				frame(
					'"CALLBACK"',
					`{"messageId":"w2","topic":"${ROBOT}"}`,
					message({ msgId: { toString: 1 } }),
				),
				'w2',
			],
			['headers that are an array', '{"type":"CALLBACK","headers":[1],"data":"{}"}'],
			['not an object', '[]'],
			['null', 'null'],
			['not JSON', '{"type":'],
		];
		for (const [label, raw, ackedId] of hostile) {
			fake.gateway.sendRaw(socket, raw);
			const id = fake.gateway.pushCallback(ROBOT, {
				msgId: `good-${label}`,
				msgtype: 'text',
				conversationId: 'c',
				conversationType: '1',
				senderStaffId: 'u',
				text: { content: 'ok' },
			});
			const acked = await waitFor(
				() => fake.gateway.acks.some((a) => a.messageId === id),
				// A deadline for a failure only: a passing frame is ACKed in milliseconds, on a loaded machine in more.
				5000,
			).then(
				() => 'ACKed',
				() => `no ACK within 5 s after: ${label}`,
			);
			expect(acked).toBe('ACKed');
			// Answered, not left for redelivery: a frame that cannot be used is ACKed when it says which one it is.
			if (ackedId)
				expect([label, fake.gateway.acks.some((a) => a.messageId === ackedId)]).toEqual([
					label,
					true,
				]);
		}
		expect(fake.gateway.liveConnections()).toEqual([socket]);
		expect(c.status()).toMatchObject({ state: 'connected', reconnectCount: 0 });
		expect(problems).toEqual([]);
	});

	it('refuses a frame over 1 MB in ws itself (maxPayload), then reconnects and carries on', async () => {
		const c = connect();
		await c.subscribe(async () => null);
		const [socket] = fake.gateway.liveConnections();
		const closed = new Promise<number>((resolve) =>
			socket.socket.once('close', (code: number) => resolve(code)),
		);
		fake.gateway.sendRaw(socket, `"${'x'.repeat(1024 * 1024)}"`);
		expect(
			await Promise.race([
				closed,
				new Promise((resolve) => setTimeout(() => resolve('still open after 2 s'), 2000)),
			]),
		).toBe(1009);
		await waitFor(
			() => c.status().state === 'connected' && fake.gateway.liveConnections().length === 1,
		);
		const id = fake.gateway.pushCallback(ROBOT, { msgId: 'after-big' });
		await waitFor(() => fake.gateway.acks.some((a) => a.messageId === id));
	});

	it('1,000 messages through 100 dropped connections: 0 lost, 0 duplicated', async () => {
		const options: PipelineOptions = { ...DEFAULT_PIPELINE_OPTIONS, groupMentionsOnly: false };
		const runs: string[] = [];
		const pipeline = new EventPipeline(options, async (item) => {
			runs.push(String(item.msgId));
			await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
			return { ok: true };
		});
		const c = connect();
		await c.subscribe(async (cb) => await pipeline.handle(cb));
		fake.gateway.redeliveryMs = 100;
		fake.gateway.maxDeliveries = 1000;
		let drops = 0;
		for (let i = 0; i < 1000; i++) {
			fake.gateway.pushCallback(ROBOT, {
				msgId: `m${i}`,
				conversationId: 'c',
				conversationType: '1',
				senderStaffId: 'u',
				msgtype: 'text',
				text: { content: String(i) },
			});
			if (i % 10 === 9) {
				drops += fake.gateway.drop();
				await waitFor(() => fake.gateway.liveConnections().length === 1, 10_000);
			}
			if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
		}
		await waitFor(() => fake.gateway.unacked().length === 0, 60_000);
		expect(drops).toBeGreaterThanOrEqual(100);
		expect(new Set(runs).size).toBe(1000);
		expect(runs).toHaveLength(1000);
		const redelivered = fake.gateway.deliveries.filter((d) => d.redelivery).length;
		console.log(
			JSON.stringify({
				messages: 1000,
				drops,
				deliveries: fake.gateway.deliveries.length,
				redelivered,
				runs: runs.length,
				unique: new Set(runs).size,
			}),
		);
	}, 120_000);
});

describe('mergeAnswers (several workflows answering one card click)', () => {
	it('merges card updates deeply; a later plain value wins', () => {
		const a = {
			cardData: { cardParamMap: { sessionNotice: 'ended' } },
			cardUpdateOptions: { updateCardDataByKey: true },
		};
		const b = {
			cardData: { cardParamMap: { status: 'ok', sessionNotice: 'b' } },
			cardUpdateOptions: { updateCardDataByKey: true },
		};
		expect(mergeAnswers(a, b)).toEqual({
			cardData: { cardParamMap: { sessionNotice: 'b', status: 'ok' } },
			cardUpdateOptions: { updateCardDataByKey: true },
		});
		expect(mergeAnswers('x', { y: 1 })).toEqual({ y: 1 });
		expect(mergeAnswers({ y: 1 }, undefined)).toEqual({ y: 1 });
	});

	it('keeps __proto__ and constructor keys as data, and merges answers of any depth without recursing past a bound', () => {
		const a = JSON.parse('{"cardData":{"cardParamMap":{"a":"1"}},"constructor":{"x":1}}');
		const b = JSON.parse(
			'{"cardData":{"cardParamMap":{"__proto__":{"polluted":"yes"}}},"__proto__":{"polluted":"yes"}}',
		);
		const merged = mergeAnswers(a, b) as Record<string, Record<string, unknown>>;
		expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
		expect(Object.getPrototypeOf(merged.cardData.cardParamMap)).toBe(Object.prototype);
		expect(Object.hasOwn(merged, '__proto__')).toBe(true);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		let deep: Record<string, unknown> = {};
		for (let i = 0; i < 50_000; i++) deep = { k: deep };
		expect(() => mergeAnswers(deep, deep)).not.toThrow();
	});
});
