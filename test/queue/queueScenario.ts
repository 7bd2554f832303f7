import * as path from 'path';

import {
	DingTalkCallbackPusher,
	defaultFixture,
	FakeDingTalk,
	robotMessage,
} from '../fake-dingtalk';
import { waitFor } from '../harness/helpers';
import { importCredentials, importWorkflows, runN8n } from '../harness/n8n';
import { E2E_DIR } from '../harness/paths';
import { dingTalkNodeFactory, flow, link, triggerNode } from '../harness/workflows';
import { openProcessLog } from '../support/secretLeaks';
import { QueueCluster } from './QueueCluster';
import { type Postgres, type Service, startPostgres, startRedis } from './services';

/**
 * The package in n8n's queue mode, end to end: Redis and PostgreSQL from Debian's packages, one n8n main and up to
 * two workers (shared encryption key, the packed package installed in the user folder they share), Stream and HTTP
 * flows published, DingTalk played by the fake (redelivering un-ACKed callbacks after 16 s, up to 4 times, as the
 * real one does for about a minute). Used by `npm run test:queue` (10,000 messages, 1 vs 2 workers) and, smaller,
 * by the end-to-end suite.
 */
export interface QueueScenarioOptions {
	/** Messages of the main load (Stream and HTTP together); 0 lost, 0 duplicated expected. */
	messages: number;
	/** Every n-th message of the main load arrives over HTTP callbacks instead of Stream. */
	httpEvery: number;
	/** Messages pushed per second during the main load (DingTalk delivers as users write). */
	feedPerSecond: number;
	/** Messages per configuration for the 1 vs 2 workers comparison (0 = skip it). */
	ratioMessages: number;
	/** DingTalk's reply latency during the comparison: runs that wait on the network, as a Digital Expert's do. */
	ratioReplyLatencyMs: number;
	/** Executions one worker runs at once (`n8n worker --concurrency`). */
	workerConcurrency: number;
	cardCallbacks: number;
	log: (line: string) => void;
}

export interface QueueReport {
	workers: number;
	messages: {
		sent: number;
		stream: number;
		http: number;
		replied: number;
		lost: number;
		duplicated: number;
		executions: number;
		seconds: number;
		perSecond: number;
	};
	ratio?: {
		messages: number;
		replyLatencyMs: number;
		concurrency: number;
		oneWorkerPerSecond: number;
		twoWorkersPerSecond: number;
		ratio: number;
	};
	cards: { sent: number; answeredInAck: number; wrongAnswers: number };
	executionsPerWorker: number[];
	connection: { statusFromWorker: string; eventsFromWorkers: string[] };
	deliveries: { total: number; redeliveries: number; acks: number };
	cpuSeconds: { main: number; workers: number[] };
	mainRssMb: number;
	problems: string[];
}

const QUEUE_CONVERSATION = 'cidQueueLoad==';
const OPS_CONVERSATION = 'cidQueueOps==';
const HTTP_HOOK = 'dingtalk-queue-http';

function flows(alertGroup: string) {
	const stream = { dingTalkStreamApi: { id: 'qmStreamCred0001', name: 'DingTalk Stream (queue)' } };
	const http = { dingTalkHttpApi: { id: 'qmHttpCred000001', name: 'DingTalk HTTP (queue)' } };
	const trigger = (parameters: Record<string, unknown>) =>
		triggerNode({ parameters, credentials: stream });
	const dingTalk = dingTalkNodeFactory(stream);
	const dingTalkHttp = dingTalkNodeFactory(http, { authentication: 'httpApi' });
	return [
		flow(
			'qmMessagesFlow01',
			[
				trigger({ events: ['message'], options: { allowedConversationIds: QUEUE_CONVERSATION } }),
				dingTalk(
					'Reply',
					{
						resource: 'message',
						operation: 'reply',
						messageType: 'text',
						text: '=Q {{ $json.text }}',
					},
					300,
				),
			],
			{ 'DingTalk Trigger': { main: [[link('Reply')]] } },
		),
		flow(
			'qmCardsFlow00001',
			[
				trigger({ events: ['cardCallback'] }),
				dingTalk(
					'Answer',
					{
						resource: 'card',
						operation: 'answerCallback',
						cardDataMode: 'fields',
						cardFields: {
							field: [{ key: 'status', value: "={{ 'answered ' + $json.params.action }}" }],
						},
					},
					300,
				),
			],
			{ 'DingTalk Trigger': { main: [[link('Answer')]] } },
		),
		flow(
			'qmOpsFlow0000001',
			[
				trigger({
					events: ['message'],
					emitConnectionEvents: true,
					options: { allowedConversationIds: OPS_CONVERSATION },
				}),
				dingTalk('Status', { resource: 'connection', operation: 'getStatus' }, 300),
				dingTalk(
					'Reply',
					{
						resource: 'message',
						operation: 'reply',
						event: "={{ $('DingTalk Trigger').item.json }}",
						messageType: 'text',
						text: '=STATUS found={{ $json.found }} instance={{ $json.instance }} state={{ $json.state }}',
					},
					600,
				),
				dingTalk(
					'Alert',
					{
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: alertGroup,
						messageType: 'text',
						text: '=CONN {{ $json.event }} state={{ $json.state }} connected={{ $json.connected }}',
					},
					300,
					200,
				),
			],
			{
				'DingTalk Trigger': { main: [[link('Status')], [link('Alert')]] },
				Status: { main: [[link('Reply')]] },
			},
		),
		flow(
			'qmHttpFlow000001',
			[
				triggerNode({
					mode: 'http',
					parameters: { events: ['message'] },
					credentials: http,
					webhookId: HTTP_HOOK,
				}),
				dingTalkHttp(
					'Reply',
					{
						resource: 'message',
						operation: 'reply',
						messageType: 'text',
						text: '=H {{ $json.text }}',
					},
					300,
				),
			],
			{ 'DingTalk Trigger': { main: [[link('Reply')]] } },
		),
	];
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export async function runQueueScenario(options: QueueScenarioOptions): Promise<QueueReport> {
	const problems: string[] = [];
	const log = options.log;
	const fixture = defaultFixture();
	const fake = new FakeDingTalk(fixture);
	const pusher = new DingTalkCallbackPusher(fixture.apps[0]);
	const users = fixture.users.map((u) => u.userid);
	const alertGroup = fixture.conversations[1].openConversationId;
	let redis: Service | undefined;
	let postgres: Postgres | undefined;
	let cluster: QueueCluster | undefined;
	try {
		await fake.start();
		// Real DingTalk redelivers an un-ACKed callback 16–60 s later and gives up after about a minute.
		fake.gateway.redeliveryMs = 16_000;
		fake.gateway.maxDeliveries = 4;
		redis = await startRedis();
		postgres = await startPostgres(path.join(E2E_DIR, 'queue-postgres'));
		const env = {
			...postgres.env,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
		};
		log(`redis :${redis.port}, postgres :${postgres.port}`);
		await importCredentials(
			[
				{
					id: 'qmStreamCred0001',
					name: 'DingTalk Stream (queue)',
					type: 'dingTalkStreamApi',
					data: fake.appConfig(),
				},
				{
					id: 'qmHttpCred000001',
					name: 'DingTalk HTTP (queue)',
					type: 'dingTalkHttpApi',
					data: fake.httpAppConfig(),
				},
			],
			env,
		);
		const workflows = flows(alertGroup);
		await importWorkflows(workflows, env);
		for (const w of workflows) {
			const published = await runN8n(['publish:workflow', `--id=${w.id}`], 120_000, env);
			if (published.code !== 0)
				throw new Error(`publish ${w.id} failed: ${published.stdout}${published.stderr}`);
		}
		cluster = new QueueCluster(env, options.workerConcurrency);
		await cluster.startMain();
		await cluster.addWorker();
		await waitFor(() => fake.gateway.liveConnections().length > 0, 60_000);
		log('main and worker 1 up; Stream connection open');

		const replies = () =>
			fake.sentMessages
				.filter((m) => m.channel === 'session')
				.map((m) => (m.body as { text: { content: string } }).text.content);
		const streamMessage = (text: string, i: number, conversationId = QUEUE_CONVERSATION) =>
			fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				robotMessage(fake, { text, senderStaffId: users[i % users.length], conversationId }),
			);
		const repliedCount = (prefix: string) => replies().filter((r) => r.startsWith(prefix)).length;

		// 1 vs 2 workers on runs that wait on the network (DingTalk answering each reply after a delay).
		let ratio: QueueReport['ratio'];
		const timedBatch = async (tag: string): Promise<number> => {
			fake.injectFault({
				path: '/robot/sendBySession',
				kind: 'slow',
				delayMs: options.ratioReplyLatencyMs,
				times: Number.MAX_SAFE_INTEGER,
			});
			const started = Date.now();
			for (let i = 0; i < options.ratioMessages; i++) streamMessage(`${tag}-${i}`, i);
			await waitFor(() => repliedCount(`Q ${tag}-`) >= options.ratioMessages, 600_000);
			const seconds = (Date.now() - started) / 1000;
			fake.clearFaults();
			return options.ratioMessages / seconds;
		};
		let oneWorkerPerSecond = 0;
		if (options.ratioMessages > 0) {
			oneWorkerPerSecond = await timedBatch('one');
			log(`1 worker: ${oneWorkerPerSecond.toFixed(1)} msg/s`);
		}
		await cluster.addWorker();
		log('worker 2 up');
		if (options.ratioMessages > 0) {
			const twoWorkersPerSecond = await timedBatch('two');
			ratio = {
				messages: options.ratioMessages,
				replyLatencyMs: options.ratioReplyLatencyMs,
				concurrency: options.workerConcurrency,
				oneWorkerPerSecond: +oneWorkerPerSecond.toFixed(2),
				twoWorkersPerSecond: +twoWorkersPerSecond.toFixed(2),
				ratio: +(twoWorkersPerSecond / oneWorkerPerSecond).toFixed(3),
			};
			log(`2 workers: ${twoWorkersPerSecond.toFixed(1)} msg/s → ${ratio.ratio}×`);
		}

		// Card clicks answered by runs on the workers: each answer must be in the ACK of its own click.
		const clicks = new Map<string, string>();
		for (let i = 0; i < options.cardCallbacks; i++) {
			const action = `click${i}`;
			const value = JSON.stringify({
				cardPrivateData: { actionIds: [action], params: { action } },
			});
			const user = users[i % users.length];
			const messageId = fake.gateway.pushCallback('/v1.0/card/instances/callback', {
				userId: user,
				outTrackId: `queue-card-${i}`,
				spaceId: `cidDirect${user}==`,
				spaceType: 'im',
				type: 'actionCallback',
				corpId: 'dingfakecorp0001',
				userIdType: 1,
				content: value,
				value,
			});
			clicks.set(messageId, action);
		}
		const ackOf = (messageId: string) => fake.gateway.acks.find((a) => a.messageId === messageId);
		await waitFor(() => [...clicks.keys()].every((id) => ackOf(id)), 120_000).catch(() =>
			problems.push('some card clicks were never ACKed'),
		);
		let answeredInAck = 0;
		let wrongAnswers = 0;
		for (const [messageId, action] of clicks) {
			const status = (
				ackOf(messageId)?.data as
					| { response?: { cardData?: { cardParamMap?: { status?: string } } } }
					| undefined
			)?.response?.cardData?.cardParamMap?.status;
			if (status === `answered ${action}`) answeredInAck++;
			else if (status !== undefined) wrongAnswers++;
		}
		if (answeredInAck !== clicks.size)
			problems.push(
				`card answers in ACKs: ${answeredInAck} of ${clicks.size} (${wrongAnswers} wrong)`,
			);
		log(`card clicks: ${answeredInAck}/${clicks.size} answered in their ACK`);

		// Connection status: asked from a run on a worker, and connection events (main's status) run on workers.
		streamMessage('status?', 0, OPS_CONVERSATION);
		const statusFromWorker = await waitFor(
			() => replies().find((r) => r.startsWith('STATUS ')),
			60_000,
		).catch(() => 'no answer');
		if (!statusFromWorker.includes('instance=worker state=onMainInstance'))
			problems.push(`Get Status on a worker answered: ${statusFromWorker}`);
		const alerts = () =>
			fake.sentMessages
				.filter((m) => m.channel === 'group')
				.map((m) => (m.msgParam as { content: string }).content);
		fake.gateway.drop();
		// Both events run on workers, in whichever order they finish.
		await waitFor(
			() =>
				['CONN disconnected', 'CONN connected'].every((event) =>
					alerts().some((a) => a.startsWith(event)),
				),
			60_000,
		).catch(() => undefined);
		const eventsFromWorkers = alerts().filter((a) => a.startsWith('CONN '));
		if (
			!eventsFromWorkers.some(
				(a) => a.startsWith('CONN disconnected') && a.endsWith('connected=false'),
			)
		)
			problems.push(`no "disconnected" event saying so: ${eventsFromWorkers.join(' | ')}`);
		if (!eventsFromWorkers.some((a) => a === 'CONN connected state=connected connected=true'))
			problems.push(`no "connected" event after the drop: ${eventsFromWorkers.join(' | ')}`);
		log(`status from a worker: ${statusFromWorker}; events: ${eventsFromWorkers.join(' | ')}`);

		// The main load: Stream and HTTP messages at a steady rate, every one answered exactly once.
		const cpuBefore = cluster.cpuSeconds();
		const texts: string[] = [];
		const httpFailures: string[] = [];
		const inFlight = new Set<Promise<void>>();
		const started = Date.now();
		let stream = 0;
		let http = 0;
		for (let i = 0; i < options.messages; i++) {
			const due = started + (i * 1000) / options.feedPerSecond;
			if (due > Date.now()) await sleep(due - Date.now());
			const text = `load-${i}`;
			texts.push(text);
			if (options.httpEvery > 0 && i % options.httpEvery === options.httpEvery - 1) {
				http++;
				const callback = pusher.signed(
					robotMessage(fake, {
						text,
						senderStaffId: users[i % users.length],
						conversationId: QUEUE_CONVERSATION,
					}),
				);
				const sending: Promise<void> = DingTalkCallbackPusher.send(
					`${cluster.main.baseUrl}/webhook/${HTTP_HOOK}/callback`,
					callback,
				)
					.then((answer) => {
						if (answer.status !== 200)
							httpFailures.push(`${text}: ${answer.status} ${answer.text}`);
					})
					.catch((error: Error) => void httpFailures.push(`${text}: ${error.message}`))
					.finally(() => inFlight.delete(sending));
				inFlight.add(sending);
			} else {
				stream++;
				streamMessage(text, i);
			}
			if (i % 1000 === 999)
				log(`fed ${i + 1}; replies so far ${repliedCount('Q load-') + repliedCount('H load-')}`);
		}
		await Promise.all(inFlight);
		const loadReplies = () =>
			replies().filter((r) => r.startsWith('Q load-') || r.startsWith('H load-'));
		const allowedMs = Math.max(120_000, options.messages * 200);
		await waitFor(() => loadReplies().length >= options.messages, allowedMs).catch(() => undefined);
		const seconds = (Date.now() - started) / 1000;
		// Anything still due (a redelivery, a rerun) would show up as a duplicate within DingTalk's window.
		await sleep(3000);
		const counts = new Map<string, number>();
		for (const reply of loadReplies()) {
			const text = reply.slice(2);
			counts.set(text, (counts.get(text) ?? 0) + 1);
		}
		const lost = texts.filter((t) => !counts.has(t)).length;
		const duplicated = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
		const executions =
			(await cluster.main.executionCount('qmMessagesFlow01')) -
			2 * options.ratioMessages +
			(await cluster.main.executionCount('qmHttpFlow000001'));
		if (lost)
			problems.push(
				`${lost} messages got no reply (e.g. ${texts
					.filter((t) => !counts.has(t))
					.slice(0, 3)
					.join(', ')})`,
			);
		if (duplicated) problems.push(`${duplicated} duplicated replies`);
		if (executions !== options.messages)
			problems.push(`${executions} executions for ${options.messages} messages`);
		if (httpFailures.length)
			problems.push(`${httpFailures.length} HTTP callbacks refused (e.g. ${httpFailures[0]})`);
		const cpuAfter = cluster.cpuSeconds();
		const executionsPerWorker = cluster.startedPerWorker();
		if (executionsPerWorker.some((n) => n === 0))
			problems.push(`a worker ran no executions: ${executionsPerWorker.join(', ')}`);
		const report: QueueReport = {
			workers: cluster.workers.length,
			messages: {
				sent: options.messages,
				stream,
				http,
				replied: counts.size,
				lost,
				duplicated,
				executions,
				seconds: +seconds.toFixed(1),
				perSecond: +(counts.size / seconds).toFixed(2),
			},
			ratio,
			cards: { sent: clicks.size, answeredInAck, wrongAnswers },
			executionsPerWorker,
			connection: { statusFromWorker, eventsFromWorkers },
			deliveries: {
				total: fake.gateway.deliveries.length,
				redeliveries: fake.gateway.deliveries.filter((d) => d.redelivery).length,
				acks: fake.gateway.acks.length,
			},
			cpuSeconds: {
				main: +(cpuAfter[0] - cpuBefore[0]).toFixed(1),
				workers: cpuAfter.slice(1).map((c, i) => +(c - cpuBefore[i + 1]).toFixed(1)),
			},
			mainRssMb: cluster.rssMb(cluster.main),
			problems,
		};
		return report;
	} finally {
		await cluster?.stop();
		// Executions (items, errors) are in PostgreSQL here: kept as text for the secret leak check when it records.
		const dumpLog = openProcessLog('queue-postgres-dump');
		if (postgres && dumpLog.file) dumpLog.write(postgres.dump());
		await redis?.stop();
		await postgres?.stop();
		await fake.stop();
	}
}
