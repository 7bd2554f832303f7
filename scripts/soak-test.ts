/**
 * `npm run test:soak`: the soak (test/soak/soakScenario.ts) for longer — SOAK_SECONDS (600) of traffic at
 * SOAK_RATE (10) messages per second with an hour's DingTalk faults spread over it. Prints the report as JSON; exits 1
 * when a message was lost or duplicated.
 */
import { ensureN8n, installIntoUserFolder, packPackage } from '../test/e2e/install';
import { E2E_DIR, USER_FOLDER } from '../test/e2e/paths';
import { runSoak } from '../test/soak/soakScenario';

async function main() {
	ensureN8n();
	installIntoUserFolder(packPackage(E2E_DIR), USER_FOLDER);
	const report = await runSoak({
		seconds: Number(process.env.SOAK_SECONDS ?? 600),
		messagesPerSecond: Number(process.env.SOAK_RATE ?? 10),
		log: (line) => process.stderr.write(`[soak] ${line}\n`),
	});
	console.log(JSON.stringify(report, null, 2));
	if (report.problems.length) {
		console.error(`soak: ${report.problems.join('; ')}`);
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
