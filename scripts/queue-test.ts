/**
 * `npm run test:queue`: the package in n8n's queue mode at scale (see test/queue/queueScenario.ts). Prints the report
 * as JSON and exits 1 when a message was lost or duplicated, a card answer missed its ACK, or a worker stayed idle.
 * Sizes: QUEUE_MESSAGES (10000), QUEUE_RATIO_MESSAGES (300), QUEUE_FEED_PER_SECOND (10), QUEUE_REPLY_LATENCY_MS
 * (1000), QUEUE_CONCURRENCY (5), QUEUE_CARDS (50), QUEUE_HTTP_EVERY (10).
 * The feed rate is below what one main and two workers sustain on a 2-core machine (which varies by machine); above
 * it n8n's executions fail and messages are lost (README, Queue mode), which is not what this measures.
 */
import { runQueueScenario } from '../test/queue/queueScenario';
import { runScenario } from './scenarioRunner';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

runScenario(
	'queue',
	async (log) =>
		await runQueueScenario({
			messages: num('QUEUE_MESSAGES', 10_000),
			httpEvery: num('QUEUE_HTTP_EVERY', 10),
			feedPerSecond: num('QUEUE_FEED_PER_SECOND', 10),
			ratioMessages: num('QUEUE_RATIO_MESSAGES', 300),
			ratioReplyLatencyMs: num('QUEUE_REPLY_LATENCY_MS', 1000),
			workerConcurrency: num('QUEUE_CONCURRENCY', 5),
			cardCallbacks: num('QUEUE_CARDS', 50),
			log,
		}),
);
