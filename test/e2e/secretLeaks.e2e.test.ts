import { spawnSync } from 'child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

import {
	describeFindings,
	filesUnder,
	loadSecrets,
	MIN_SECRET_LENGTH,
	scanFiles,
	scanSqlite,
	type Finding,
	type RegisteredSecret,
} from '../support/secretLeaks';
import { nodeBinDir } from '../harness/n8n';
import { E2E_DIR, LOGS_DIR, SECRETS_DIR, USER_FOLDER } from '../harness/paths';

/**
 * Issue 6: no secret (Client Secret, callback Token, AES Key, access tokens, Stream tickets, Xpert / OpenAI API keys)
 * in any output item, error or n8n log line. Runs after every other suite (test/e2e/sequencer.js) and reads what
 * they left: each n8n process's stdout/stderr (server logs, `n8n execute` run data and errors, CLI imports and
 * publishes, the REST answers the editor would show), n8n's own log files, and every text cell of every n8n SQLite
 * database under .e2e (execution_data holds each run's items and errors). Credentials are stored encrypted by n8n,
 * so the credentials table passes as long as nothing stores them in plain text.
 *
 * Run alone it fails (nothing was recorded): run it with the suites it checks, e.g.
 * `npx jest --selectProjects e2e --runInBand --testPathPattern 'editor|streamTrigger|secretLeaks'`.
 */
const node24 = path.join(nodeBinDir(), 'node');
const { secrets, skipped } = loadSecrets(SECRETS_DIR);
// Our logs, n8n's own event logs, and the binary data n8n keeps on disk (files a run downloaded or produced).
const inBinaryStorage = (file: string) =>
	file.split(path.sep).includes('storage') && file.split(path.sep).includes('.n8n');
const logFiles = [
	...new Set([
		...filesUnder(LOGS_DIR, () => true),
		...filesUnder(E2E_DIR, (name, file) => name.endsWith('.log') || inBinaryStorage(file), [
			'node_modules',
			'secrets',
		]),
	]),
];
const databases = filesUnder(E2E_DIR, (name) => name === 'database.sqlite', [
	'node_modules',
	'secrets',
	'logs',
]);

const kindsRegistered = () => [...new Set(secrets.map((s) => s.kind))].sort();
let tmp: string;

beforeAll(() => {
	tmp = mkdtempSync(path.join(tmpdir(), 'secret-leaks-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('no secret in any n8n output', () => {
	it('has something to check: the other suites recorded their secrets and n8n output', () => {
		// Without these the check below would pass on nothing: run alone, it must fail.
		expect(secrets.length).toBeGreaterThan(0);
		expect(logFiles.length).toBeGreaterThan(0);
		expect(databases.length).toBeGreaterThan(0);
		console.log(
			`secret leak check: ${secrets.length} secrets registered (kinds: ${kindsRegistered().join('; ')}); ` +
				`${skipped.length} values under ${MIN_SECRET_LENGTH} characters not searched (${skipped.map((s) => `${s.kind}, ${s.length} chars`).join('; ')}); ` +
				`${logFiles.length} log files, ${databases.length} databases`,
		);
	});

	it('no log line of any n8n process (server, CLI, `n8n execute` output, REST answers), n8n event log or binary data file holds a secret', () => {
		const { findings, bytes } = scanFiles(logFiles, secrets);
		console.log(`scanned ${logFiles.length} log files, ${bytes} characters`);
		expect(describeFindings(findings)).toEqual([]);
	});

	it("no execution (items, errors) and no other row of n8n's databases holds a secret in plain text", () => {
		const findings: Finding[] = [];
		for (const database of databases) {
			const scan = scanSqlite(database, secrets, node24);
			console.log(
				`scanned ${path.relative(E2E_DIR, database)}: ${scan.tables} tables, ${scan.cells} text cells, ${scan.bytes} characters; executions: ${scan.rows.execution_data ?? 0}`,
			);
			findings.push(...scan.findings);
		}
		expect(describeFindings(findings)).toEqual([]);
	});

	it("the suite's own n8n database has executions to check", () => {
		const main = path.join(USER_FOLDER, '.n8n', 'database.sqlite');
		expect(existsSync(main)).toBe(true);
		expect(scanSqlite(main, secrets, node24).rows.execution_data ?? 0).toBeGreaterThan(0);
	});
});

describe('the check itself finds a planted secret', () => {
	const planted = (): RegisteredSecret =>
		secrets.find((s) => s.kind.includes('access token')) ?? secrets[0];

	it('in a log file: names the file and the kind, never the value', () => {
		const secret = planted();
		const log = path.join(tmp, 'planted.log');
		copyFileSync(logFiles[0], log);
		appendFileSync(log, `\nsome line with ${secret.value} in it\n`);
		const report = describeFindings(scanFiles([logFiles[0], log], secrets).findings);
		expect(report).toEqual([`${log}: ${secret.kind}`]);
		expect(report.join('\n')).not.toContain(secret.value);
	});

	it("in an execution's data in a copy of n8n's database", () => {
		const secret = planted();
		const copy = path.join(tmp, 'planted.sqlite');
		const source = path.join(USER_FOLDER, '.n8n', 'database.sqlite');
		const plant = spawnSync(
			node24,
			[
				'--no-warnings',
				'-e',
				`const { DatabaseSync } = require('node:sqlite');
				const [source, copy] = process.argv.slice(1);
				const value = require('fs').readFileSync(0, 'utf8');
				new DatabaseSync(source, { readOnly: true }).exec("VACUUM INTO '" + copy.replace(/'/g, "''") + "'");
				const db = new DatabaseSync(copy);
				db.prepare('UPDATE execution_data SET data = data || ? WHERE rowid = (SELECT max(rowid) FROM execution_data)').run(value);
				db.close();`,
				source,
				copy,
			],
			{ input: secret.value, encoding: 'utf8' },
		);
		expect(plant.stderr).toBe('');
		const findings = scanSqlite(copy, secrets, node24).findings;
		expect(findings.map((f) => f.kinds)).toEqual([[secret.kind]]);
		expect(findings[0].where).toMatch(/table execution_data column data rowid \d+$/);
	});
});
