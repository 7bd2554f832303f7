import { ensureN8n, installIntoUserFolder, packPackage } from '../test/harness/install';
import { E2E_DIR, USER_FOLDER } from '../test/harness/paths';

/**
 * Runs one scenario script (`npm run test:queue`, `npm run test:soak`): n8n and the packed package installed first,
 * progress on stderr, the report as JSON on stdout, exit code 1 when the report lists problems.
 */
export function runScenario(
	name: string,
	scenario: (log: (line: string) => void) => Promise<{ problems: string[] }>,
): void {
	const log = (line: string) => process.stderr.write(`[${name}] ${line}\n`);
	const main = async () => {
		ensureN8n();
		installIntoUserFolder(packPackage(E2E_DIR), USER_FOLDER);
		const report = await scenario(log);
		console.log(JSON.stringify(report, null, 2));
		if (report.problems.length) {
			console.error(
				`${name}: ${report.problems.length} problem(s):\n- ${report.problems.join('\n- ')}`,
			);
			return 1;
		}
		return 0;
	};
	main().then(
		(code) => process.exit(code),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
