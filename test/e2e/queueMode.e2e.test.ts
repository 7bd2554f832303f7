import { runQueueScenario } from '../queue/queueScenario';

/**
 * n8n queue mode (Redis, PostgreSQL, one main, two workers) with the package installed: the smaller edition of
 * `npm run test:queue` (which sends 10,000 messages and compares 1 vs 2 workers; throughput is not asserted here).
 */
it('queue mode: Stream and HTTP messages all answered once, card answers from workers in their ACKs, connection status from workers', async () => {
	const report = await runQueueScenario({
		messages: 400,
		httpEvery: 10,
		feedPerSecond: 40,
		ratioMessages: 0,
		ratioReplyLatencyMs: 0,
		workerConcurrency: 5,
		cardCallbacks: 20,
		log: (line) => process.stderr.write(`[queue] ${line}\n`),
	});
	expect(report.problems).toEqual([]);
	expect(report.messages).toMatchObject({
		sent: 400,
		stream: 360,
		http: 40,
		replied: 400,
		lost: 0,
		duplicated: 0,
		executions: 400,
	});
	expect(report.cards).toEqual({ sent: 20, answeredInAck: 20, wrongAnswers: 0 });
	expect(report.executionsPerWorker.every((n) => n > 0)).toBe(true);
	expect(report.connection.statusFromWorker).toBe(
		'STATUS found=false instance=worker state=onMainInstance',
	);
}, 600_000);
