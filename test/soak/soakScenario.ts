import { readFileSync } from 'fs';

import { defaultFixture, FakeDingTalk, robotMessage } from '../fake-dingtalk';
import { waitFor } from '../harness/helpers';
import { importCredentials, importWorkflows, runN8n } from '../harness/n8n';
import { N8nServer } from '../harness/server';
import { dingTalkNodeFactory, flow, link, triggerNode } from '../harness/workflows';

/**
 * An hour of a busy bot compressed into `seconds`: a published Stream flow (message → Send to Users, an OpenAPI call
 * that needs an access token) under continuous traffic while DingTalk misbehaves on an hourly timeline — the
 * connection dropped every 5 "minutes" (every 10th with the gateway refusing the reconnects), flow control
 * (403 QpsLimit) every 4, every access token revoked every 15. Counts what was sent, executed, replied, lost and duplicated, and samples
 * n8n's RSS. Used by the end-to-end suite (2 minutes) and `npm run test:soak` (SOAK_SECONDS, default 600).
 */
export interface SoakOptions {
	seconds: number;
	messagesPerSecond: number;
	/** The trigger's Max Concurrent Runs (unset: no limit). */
	maxConcurrentRuns?: number;
	log: (line: string) => void;
}

export interface SoakReport {
	seconds: number;
	faults: { drops: number; refusals: number; flowControl: number; tokenExpiries: number };
	counts: {
		sent: number;
		executed: number;
		failedRuns: number;
		replied: number;
		lost: number;
		duplicated: number;
	};
	deliveries: { total: number; redeliveries: number };
	tokenCalls: number;
	flowControlAnswers: number;
	rssMb: { samples: number[]; firstThirdMax: number; lastThirdMax: number; max: number };
	problems: string[];
}

const CONVERSATION = 'cidSoak==';
const WORKFLOW_ID = 'soakWorkflow0001';

const rssMbOf = (pid: number) =>
	Math.round(
		Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
	);
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
	const fixture = defaultFixture();
	const fake = new FakeDingTalk(fixture);
	const server = new N8nServer();
	const users = fixture.users.map((u) => u.userid);
	const problems: string[] = [];
	try {
		await fake.start();
		// Redelivery compressed with the hour (DingTalk: 16–60 s, for about a minute).
		fake.gateway.redeliveryMs = 2000;
		fake.gateway.maxDeliveries = 30;
		const credentials = {
			dingTalkStreamApi: { id: 'soakStreamCred01', name: 'DingTalk Stream (soak)' },
		};
		await importCredentials([
			{
				id: 'soakStreamCred01',
				name: 'DingTalk Stream (soak)',
				type: 'dingTalkStreamApi',
				data: fake.appConfig(),
			},
		]);
		const dingTalk = dingTalkNodeFactory(credentials);
		await importWorkflows([
			flow(
				WORKFLOW_ID,
				[
					triggerNode({
						parameters: {
							events: ['message'],
							options: {
								allowedConversationIds: CONVERSATION,
								...(options.maxConcurrentRuns
									? { maxConcurrentRuns: options.maxConcurrentRuns }
									: {}),
							},
						},
						credentials,
					}),
					dingTalk(
						'Notify',
						{
							resource: 'message',
							operation: 'sendToUsers',
							userIds: '={{ $json.senderStaffId }}',
							messageType: 'text',
							text: '=S {{ $json.text }}',
						},
						300,
					),
				],
				{ 'DingTalk Trigger': { main: [[link('Notify')]] } },
			),
		]);
		const published = await runN8n(['publish:workflow', `--id=${WORKFLOW_ID}`]);
		if (published.code !== 0)
			throw new Error(`publish failed: ${published.stdout}${published.stderr}`);
		await server.start();
		await server.setupOwner();
		await waitFor(() => fake.gateway.liveConnections().length > 0, 60_000);
		// The user folder may hold executions of an earlier soak.
		const executedBefore = await server.executionCount(WORKFLOW_ID);
		const failedBefore = await server.failedExecutionCount(WORKFLOW_ID);

		// The hour's fault timeline, minute by minute: a drop every 5 minutes (every 10th a refused reconnect instead),
		// flow control every 4, all tokens revoked every 15. Minute 0 is quiet.
		const minuteMs = (options.seconds * 1000) / 60;
		const faults = { drops: 0, refusals: 0, flowControl: 0, tokenExpiries: 0 };
		const minuteOf = (m: number) => {
			if (m % 10 === 0) {
				// The next reconnects are refused (5xx from connections/open), then the gateway recovers.
				fake.injectFault({ path: '/v1.0/gateway/connections/open', kind: 'serverError', times: 3 });
				if (fake.gateway.drop() > 0) faults.refusals++;
			} else if (m % 5 === 0 && fake.gateway.drop() > 0) faults.drops++;
			if (m % 4 === 0) {
				fake.injectFault({
					path: '/v1.0/robot/oToMessages/batchSend',
					kind: 'flowControl',
					times: 5,
				});
				faults.flowControl++;
			}
			if (m % 15 === 0) {
				fake.expireAllTokens();
				faults.tokenExpiries++;
			}
		};
		let minute = 0;
		const timers = [setInterval(() => ++minute < 60 && minuteOf(minute), minuteMs)];
		const rss: number[] = [];
		const pid = server.pid as number;
		const sampler = setInterval(
			() => rss.push(rssMbOf(pid)),
			Math.max(1000, (options.seconds * 1000) / 60),
		);

		const texts: string[] = [];
		const started = Date.now();
		const total = Math.round(options.seconds * options.messagesPerSecond);
		for (let i = 0; i < total; i++) {
			const due = started + (i * 1000) / options.messagesPerSecond;
			if (due > Date.now()) await sleep(due - Date.now());
			const text = `soak-${i}`;
			texts.push(text);
			fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				robotMessage(fake, {
					text,
					senderStaffId: users[i % users.length],
					conversationId: CONVERSATION,
				}),
			);
			if (i % 500 === 499)
				options.log(
					`sent ${i + 1}/${total}; rss ${rss.at(-1)} MB; faults ${JSON.stringify(faults)}`,
				);
		}
		for (const timer of timers) clearInterval(timer);
		if (minute < 59) options.log(`the feed ended at minute ${minute}`);
		const notified = () =>
			fake.sentMessages
				.filter((m) => m.channel === 'oto')
				.map((m) => String((m.msgParam as { content?: string }).content ?? ''));
		await waitFor(
			() => new Set(notified().filter((t) => t.startsWith('S soak-'))).size >= total,
			120_000,
		).catch(() => undefined);
		// Let any redelivery still due (after a drop) come in: it must not produce a second reply.
		await sleep(5000);
		clearInterval(sampler);
		rss.push(rssMbOf(pid));

		const counts = new Map<string, number>();
		for (const text of notified())
			if (text.startsWith('S soak-'))
				counts.set(text.slice(2), (counts.get(text.slice(2)) ?? 0) + 1);
		const lost = texts.filter((t) => !counts.has(t)).length;
		const duplicated = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
		const executed = (await server.executionCount(WORKFLOW_ID)) - executedBefore;
		const failedRuns = (await server.failedExecutionCount(WORKFLOW_ID)) - failedBefore;
		const third = Math.max(1, Math.floor(rss.length / 3));
		const report: SoakReport = {
			seconds: +((Date.now() - started) / 1000).toFixed(1),
			faults,
			counts: { sent: total, executed, failedRuns, replied: counts.size, lost, duplicated },
			deliveries: {
				total: fake.gateway.deliveries.length,
				redeliveries: fake.gateway.deliveries.filter((d) => d.redelivery).length,
			},
			tokenCalls: fake.tokenCalls(),
			flowControlAnswers: fake
				.requestsTo('/v1.0/robot/oToMessages/batchSend')
				.filter((r) => r.status === 403).length,
			rssMb: {
				samples: rss,
				firstThirdMax: Math.max(...rss.slice(0, third)),
				lastThirdMax: Math.max(...rss.slice(-third)),
				max: Math.max(...rss),
			},
			problems,
		};
		if (lost)
			problems.push(
				`${lost} messages got no reply (e.g. ${texts
					.filter((t) => !counts.has(t))
					.slice(0, 3)
					.join(', ')})`,
			);
		if (duplicated) problems.push(`${duplicated} duplicated replies`);
		if (executed < total) problems.push(`${executed} executions for ${total} messages`);
		return report;
	} finally {
		await server.stop();
		await fake.stop();
	}
}
