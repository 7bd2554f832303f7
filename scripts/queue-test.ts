/**
 * `npm run test:queue`: the package in n8n's queue mode at scale (see test/queue/queueScenario.ts). Prints the report
 * as JSON and exits 1 when a message was lost or duplicated, a card answer missed its ACK, or a worker stayed idle.
 * Sizes: QUEUE_MESSAGES (10000), QUEUE_RATIO_MESSAGES (300), QUEUE_FEED_PER_SECOND (25), QUEUE_REPLY_LATENCY_MS
 * (1000), QUEUE_CONCURRENCY (5), QUEUE_CARDS (50), QUEUE_HTTP_EVERY (10).
 */
import { ensureN8n, installIntoUserFolder, packPackage } from '../test/e2e/install';
import { E2E_DIR, USER_FOLDER } from '../test/e2e/paths';
import { runQueueScenario } from '../test/queue/queueScenario';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main() {
	ensureN8n();
	installIntoUserFolder(packPackage(E2E_DIR), USER_FOLDER);
	const report = await runQueueScenario({
		messages: num('QUEUE_MESSAGES', 10_000),
		httpEvery: num('QUEUE_HTTP_EVERY', 10),
		feedPerSecond: num('QUEUE_FEED_PER_SECOND', 25),
		ratioMessages: num('QUEUE_RATIO_MESSAGES', 300),
		ratioReplyLatencyMs: num('QUEUE_REPLY_LATENCY_MS', 1000),
		workerConcurrency: num('QUEUE_CONCURRENCY', 5),
		cardCallbacks: num('QUEUE_CARDS', 50),
		log: (line) => process.stderr.write(`[queue] ${line}\n`),
	});
	console.log(JSON.stringify(report, null, 2));
	if (report.problems.length) {
		console.error(`queue mode: ${report.problems.length} problem(s):\n- ${report.problems.join('\n- ')}`);
		process.exitCode = 1;
	}
}

main().then(
	() => process.exit(process.exitCode ?? 0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
