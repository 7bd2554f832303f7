/**
 * `npm run test:soak`: the soak (test/soak/soakScenario.ts) for longer — SOAK_SECONDS (600) of traffic at
 * SOAK_RATE (10) messages per second with an hour's DingTalk faults spread over it; SOAK_MAX_CONCURRENT_RUNS sets the
 * trigger's Max Concurrent Runs (unset: no limit). Prints the report as JSON; exits 1
 * when a message was lost or duplicated.
 */
import { runSoak } from '../test/soak/soakScenario';
import { runScenario } from './scenarioRunner';

runScenario(
	'soak',
	async (log) =>
		await runSoak({
			seconds: Number(process.env.SOAK_SECONDS ?? 600),
			messagesPerSecond: Number(process.env.SOAK_RATE ?? 10),
			maxConcurrentRuns: Number(process.env.SOAK_MAX_CONCURRENT_RUNS ?? 0) || undefined,
			log,
		}),
);
