/**
 * StreamConnection's delivery of frames to its subscribers (onEvent, onCallback) and the ACK sent back: what DingTalk
 * receives (SUCCESS / LATER, an answer, no ACK so it redelivers), and what an admin reads in n8n's log. Against the
 * fake gateway over real sockets, with a recording logger; and mergeAnswers' bounds.
 */
import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import {
	mergeAnswers,
	StreamConnection,
	type StreamConnectionOptions,
} from '../../../nodes/DingTalk/stream/StreamConnection';
import { fakeGatewayOpener, type LogLine, recordingLogger } from '../../support/streamConnection';
import { waitFor } from '../../support/waitFor';

const ROBOT = '/v1.0/im/bot/messages/get';
const fixture = defaultFixture();
const app = fixture.apps[0];

describe('StreamConnection: delivering frames to subscribers, and the ACK', () => {
	const fake = new FakeDingTalk(fixture);
	const connections: StreamConnection[] = [];
	const log = { lines: [] as LogLine[] };
	const connect = (overrides: Partial<StreamConnectionOptions> = {}) => {
		const recording = recordingLogger();
		log.lines = recording.lines;
		const c = new StreamConnection(app.clientId, app.clientSecret, {
			openConnection: fakeGatewayOpener(fake),
			backoff: { baseMs: 20, maxMs: 200 },
			logger: recording.logger,
			...overrides,
		});
		connections.push(c);
		return c;
	};
	const warnings = () => log.lines.filter((l) => l.level === 'warn');
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		fake.gateway.drop();
		fake.reset();
		fake.gateway.redeliveryMs = 150;
		fake.gateway.eventRedeliveryMs = 3000;
		fake.gateway.eventLaterMs = 100;
	});
	afterEach(() => {
		for (const c of connections.splice(0)) c.stop();
	});

	describe('an organisation event wanted by two subscribers', () => {
		it('runs both, ACKs SUCCESS when both succeed and logs no warning', async () => {
			const c = connect();
			const seen: string[] = [];
			const wants = { wantsEvent: (type: string) => type === 'user_add_org' };
			await c.subscribe(async () => (seen.push('a'), null), wants);
			await c.subscribe(async () => (seen.push('b'), null), wants);
			await c.subscribe(async () => (seen.push('not wanting'), null), {
				wantsEvent: (type) => type === 'bpms_instance_change',
			});
			await waitFor(() => c.status().subscribedEvents && c.status().state === 'connected');
			const id = fake.gateway.pushEvent('user_add_org', { userId: ['u1'] });
			await waitFor(() => fake.gateway.eventAcks.find((a) => a.eventId === id));
			expect(fake.gateway.eventAcks.filter((a) => a.eventId === id).map((a) => a.status)).toEqual([
				'SUCCESS',
			]);
			expect(seen.sort()).toEqual(['a', 'b']);
			expect(warnings()).toEqual([]);
		});

		it('ACKs LATER when one of the two runs fails, and tells the admin so', async () => {
			const c = connect();
			const seen: string[] = [];
			const wants = { wantsEvent: (type: string) => type === 'user_add_org' };
			let failures = 1;
			await c.subscribe(async () => (seen.push('ok'), null), wants);
			await c.subscribe(async () => {
				seen.push('failing');
				if (failures-- > 0) throw new Error('run failed');
				return null;
			}, wants);
			await waitFor(() => c.status().subscribedEvents && c.status().state === 'connected');
			const id = fake.gateway.pushEvent('user_add_org', { userId: ['u1'] });
			await waitFor(() =>
				fake.gateway.eventAcks.find((a) => a.eventId === id && a.status === 'SUCCESS'),
			);
			expect(fake.gateway.eventAcks.filter((a) => a.eventId === id).map((a) => a.status)).toEqual([
				'LATER',
				'SUCCESS',
			]);
			expect(seen.filter((s) => s === 'failing')).toHaveLength(2);
			expect(warnings()).toEqual([
				{
					level: 'warn',
					message: 'DingTalk Stream: a run for this event failed; ACKed LATER for redelivery',
					meta: { clientId: app.clientId, eventId: id },
				},
			]);
		});
	});

	describe('a callback', () => {
		it('one of two subscribers failing: no ACK (DingTalk redelivers), and a warning naming the message', async () => {
			const c = connect();
			let failures = 1;
			let okRuns = 0;
			await c.subscribe(async () => (okRuns++, { from: 'ok' }));
			await c.subscribe(async () => {
				if (failures-- > 0) throw new Error('run failed');
				return null;
			});
			const id = fake.gateway.pushCallback(ROBOT, { msgId: 'retry-me' });
			const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === id));
			expect(fake.gateway.deliveries.filter((d) => d.messageId === id)).toHaveLength(2);
			expect(fake.gateway.acks.filter((a) => a.messageId === id)).toHaveLength(1);
			expect(okRuns).toBe(2);
			expect((ack.data as { response?: unknown }).response).toEqual({ from: 'ok' });
			expect(warnings()).toEqual([
				{
					level: 'warn',
					message: 'DingTalk Stream: a run for this callback failed; leaving it for redelivery',
					meta: { clientId: app.clientId, messageId: id },
				},
			]);
		});

		it.each([
			['an unknown topic', '/v1.0/unknown/topic', JSON.stringify({ x: 1 })],
			['data that is no JSON object', ROBOT, '"just a string"'],
		])(
			'%s is ACKed with no answer, not run, and logged with its topic',
			async (_what, topic, data) => {
				const c = connect();
				let runs = 0;
				await c.subscribe(async () => (runs++, { from: 'run' }));
				const [socket] = fake.gateway.liveConnections();
				const messageId = `raw-${topic}`;
				fake.gateway.sendRaw(
					socket,
					JSON.stringify({
						specVersion: '1.0',
						type: 'CALLBACK',
						headers: { appId: app.clientId, contentType: 'application/json', messageId, topic },
						data,
					}),
				);
				const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === messageId));
				expect((ack.data as { response?: unknown }).response).toBeNull();
				expect(runs).toBe(0);
				expect(warnings()).toEqual([
					{
						level: 'warn',
						message:
							'DingTalk Stream: ACKed and ignored a callback with unusable data or an unknown topic',
						meta: { clientId: app.clientId, topic },
					},
				]);
			},
		);

		it("a run's answer that cannot be written as JSON: ACKed without it, and the admin is told why", async () => {
			const c = connect();
			const circular: Record<string, unknown> = { a: 1 };
			circular.self = circular;
			await c.subscribe(async () => circular);
			const id = fake.gateway.pushCallback(ROBOT, { msgId: 'circular' });
			const ack = await waitFor(() => fake.gateway.acks.find((a) => a.messageId === id));
			expect((ack.data as { response?: unknown }).response).toBeNull();
			expect(warnings()).toHaveLength(1);
			expect(warnings()[0].message).toMatch(
				/^DingTalk Stream: a run's answer cannot be sent \(Converting circular structure to JSON[\s\S]*\); ACKed without it$/,
			);
			expect(warnings()[0].meta).toEqual({ clientId: app.clientId });
		});
	});
});

describe('mergeAnswers: keys and depth', () => {
	it("keeps the earlier answer's keys the later one does not have", () => {
		expect(
			mergeAnswers(
				{ cardData: { cardParamMap: { a: '1' } }, only: 'a' },
				{ cardData: { cardParamMap: { b: '2' } } },
			),
		).toEqual({ cardData: { cardParamMap: { a: '1', b: '2' } }, only: 'a' });
	});

	it('merges down to depth 32; at depth 32 the later value wins whole', () => {
		const nest = (levels: number, leaf: Record<string, unknown>) => {
			let v: Record<string, unknown> = leaf;
			for (let i = 0; i < levels; i++) v = { k: v };
			return v;
		};
		// Objects at depth 31 are merged: keys of both stay.
		expect(mergeAnswers(nest(31, { a: 1 }), nest(31, { b: 2 }))).toEqual(nest(31, { a: 1, b: 2 }));
		// Objects at depth 32 are not: the later one wins whole.
		expect(mergeAnswers(nest(32, { a: 1 }), nest(32, { b: 2 }))).toEqual(nest(32, { b: 2 }));
	});
});
