import { spawnSync } from 'child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';

/**
 * "No secret in any output item, error or n8n log line", made checkable:
 *
 * - every secret the end-to-end suites configure (credential fields given to `n8n import:credentials`) or the fakes
 *   hold or issue (app secrets, callback Token / AES Key, access tokens, Stream tickets, API keys) is recorded, as it
 *   appears, into `<secrets dir>/<pid>.jsonl` (the fakes live in each suite's process, so a file is the only way the
 *   last suite sees them);
 * - every n8n process the harness starts appends its stdout and stderr to a file in the logs dir, chunk by chunk, so
 *   nothing is lost when a test fails or n8n is killed;
 * - the last e2e suite (secretLeaks.e2e.test.ts) reads every log and every text cell of n8n's SQLite databases
 *   (execution_data holds each run's items and errors) and fails naming the file (or table/column/row) and the
 *   secret's kind, never the secret.
 *
 * Both recorders are off unless the e2e globalSetup set the two environment variables, so the demo (`npm start`)
 * and the benches write nothing.
 */
export const SECRETS_DIR_ENV = 'DINGTALK_E2E_SECRETS_DIR';
export const LOGS_DIR_ENV = 'DINGTALK_E2E_LOGS_DIR';

/**
 * Values shorter than this are not searched for: the suites use placeholders such as `tok`, `token` or `abc` as
 * deliberately bad callback settings, and those occur in any log as parts of ordinary words ("accessToken"). A leak
 * of such a value is not detectable by substring search without false positives. Every real-shaped secret of the
 * suites (client secrets, 43-character AES keys, 32-hex access tokens, UUID tickets, `sk-…` keys) is longer.
 */
export const MIN_SECRET_LENGTH = 10;

export interface RegisteredSecret {
	kind: string;
	value: string;
}

export function recordSecret(kind: string, value: unknown): void {
	const dir = process.env[SECRETS_DIR_ENV];
	if (!dir || typeof value !== 'string' || value === '') return;
	mkdirSync(dir, { recursive: true });
	appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ kind, value })}\n`);
}

/** The credential fields that hold secrets, by field name (any credential type). */
const SECRET_FIELDS = [
	'clientSecret',
	'callbackToken',
	'callbackAesKey',
	'apiKey',
	'password',
	'token',
	'accessToken',
];

/** Records the secret fields of credentials handed to n8n (including deliberately wrong ones). */
export function recordCredentialSecrets(
	credentials: Array<{ type: string; data: Record<string, unknown> }>,
): void {
	for (const credential of credentials) {
		for (const field of SECRET_FIELDS)
			recordSecret(`${credential.type}.${field}`, credential.data[field]);
	}
}

let logSequence = 0;

/** Which suite (test file) or script is running, for log file names. */
function runnerName(): string {
	const state = (
		globalThis as { expect?: { getState?: () => { testPath?: string } } }
	).expect?.getState?.();
	const file = state?.testPath ?? process.argv[1] ?? 'unknown';
	return path.basename(file).replace(/\.(e2e\.)?(test\.)?[jt]s$/, '');
}

/**
 * A log file for one n8n process, written through as chunks arrive (appendFileSync: nothing buffered in this
 * process is lost when a test throws). Returns a no-op writer when logging is off.
 */
export function openProcessLog(label: string): {
	file?: string;
	write: (chunk: Buffer | string) => void;
} {
	const dir = process.env[LOGS_DIR_ENV];
	if (!dir) return { write: () => undefined };
	mkdirSync(dir, { recursive: true });
	const safe = label.replace(/[^\w.-]+/g, '_').slice(0, 60);
	const file = path.join(
		dir,
		`${Date.now()}-${process.pid}-${++logSequence}-${runnerName()}-${safe}.log`,
	);
	appendFileSync(file, '');
	return { file, write: (chunk) => appendFileSync(file, chunk) };
}

/** Every registered secret once, and the values left out for being too short (kind and length only). */
export function loadSecrets(dir: string): {
	secrets: RegisteredSecret[];
	skipped: Array<{ kind: string; length: number }>;
} {
	const byValue = new Map<string, RegisteredSecret>();
	const skipped = new Map<string, { kind: string; length: number }>();
	const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
	for (const file of files) {
		for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
			if (!line.trim()) continue;
			const { kind, value } = JSON.parse(line) as RegisteredSecret;
			if (value.length < MIN_SECRET_LENGTH) skipped.set(value, { kind, length: value.length });
			else if (!byValue.has(value)) byValue.set(value, { kind, value });
		}
	}
	return { secrets: [...byValue.values()], skipped: [...skipped.values()] };
}

/** Kinds of the secrets found in a text (never the values). */
export function secretKindsIn(text: string, secrets: RegisteredSecret[]): string[] {
	return [...new Set(secrets.filter((s) => text.includes(s.value)).map((s) => s.kind))];
}

export interface Finding {
	where: string;
	kinds: string[];
}

export function scanFiles(
	files: string[],
	secrets: RegisteredSecret[],
): { findings: Finding[]; bytes: number } {
	const findings: Finding[] = [];
	let bytes = 0;
	for (const file of files) {
		const text = readFileSync(file, 'utf8');
		bytes += text.length;
		const kinds = secretKindsIn(text, secrets);
		if (kinds.length) findings.push({ where: file, kinds });
	}
	return { findings, bytes };
}

/** All files below `dir` that match (by name and full path), not descending into the given directory names. */
export function filesUnder(
	dir: string,
	match: (name: string, fullPath: string) => boolean,
	skipDirs: string[] = ['node_modules'],
): string[] {
	if (!existsSync(dir)) return [];
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const full = path.join(dir, name);
		const stat = statSync(full);
		if (stat.isDirectory()) {
			if (!skipDirs.includes(name)) out.push(...filesUnder(full, match, skipDirs));
		} else if (match(name, full)) out.push(full);
	}
	return out;
}

/**
 * Run by Node 24 (node:sqlite): every text or blob cell of every table, searched for the secrets read from stdin
 * (a JSON array of strings). Prints only table, column, rowid and the secrets' indexes, plus counts.
 */
const SQLITE_SCAN = `
const { DatabaseSync } = require('node:sqlite');
const secrets = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const db = new DatabaseSync(process.argv[1], { readOnly: true });
const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((r) => r.name);
const findings = [];
const rows = {};
let cells = 0, bytes = 0;
for (const table of tables) {
	const q = '"' + table.replace(/"/g, '""') + '"';
	let withRowid = true;
	try { db.prepare('SELECT rowid FROM ' + q + ' LIMIT 1').all(); } catch { withRowid = false; }
	const stmt = db.prepare('SELECT ' + (withRowid ? 'rowid AS __rowid, ' : '') + '* FROM ' + q);
	rows[table] = 0;
	for (const row of stmt.iterate()) {
		rows[table]++;
		for (const [column, value] of Object.entries(row)) {
			if (column === '__rowid') continue;
			let text;
			if (typeof value === 'string') text = value;
			else if (value instanceof Uint8Array) text = Buffer.from(value).toString('utf8');
			else continue;
			cells++; bytes += text.length;
			const hits = [];
			secrets.forEach((s, i) => { if (text.includes(s)) hits.push(i); });
			if (hits.length) findings.push({ table, column, rowid: row.__rowid ?? null, hits });
		}
	}
}
db.close();
process.stdout.write(JSON.stringify({ tables: tables.length, rows, cells, bytes, findings }));
`;

export interface SqliteScan {
	tables: number;
	rows: Record<string, number>;
	cells: number;
	bytes: number;
	findings: Finding[];
}

/** Scans an n8n SQLite database with the given Node (≥ 22.13, for node:sqlite; n8n's own Node 24 is). */
export function scanSqlite(
	database: string,
	secrets: RegisteredSecret[],
	nodeBinary: string,
): SqliteScan {
	const run = spawnSync(nodeBinary, ['--no-warnings', '-e', SQLITE_SCAN, database], {
		input: JSON.stringify(secrets.map((s) => s.value)),
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	if (run.status !== 0)
		throw new Error(`scanning ${database} failed (${run.status}): ${run.stderr}`);
	const result = JSON.parse(run.stdout) as Omit<SqliteScan, 'findings'> & {
		findings: Array<{ table: string; column: string; rowid: number | null; hits: number[] }>;
	};
	return {
		...result,
		findings: result.findings.map((f) => ({
			where: `${database} table ${f.table} column ${f.column} rowid ${f.rowid}`,
			kinds: [...new Set(f.hits.map((i) => secrets[i].kind))],
		})),
	};
}

/** One line per finding: where, and which kinds of secret (the values are never printed). */
export const describeFindings = (findings: Finding[]) =>
	findings.map((f) => `${f.where}: ${f.kinds.join(', ')}`);
