import { spawn } from 'child_process';
import { existsSync, readdirSync, writeFileSync } from 'fs';
import * as path from 'path';

import { openProcessLog, recordCredentialSecrets } from '../support/secretLeaks';
import { CACHE_DIR, N8N_VERSION, scratchDir, USER_FOLDER } from './paths';

export interface CliResult {
	code: number | null;
	/** Set when the process was ended by a signal (then `code` is null). */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/** The Node 24 that n8n 2.x needs, installed by scripts/ensure-n8n.sh. */
export function nodeBinDir(): string {
	const found = readdirSync(CACHE_DIR)
		.filter((name) => /^node-24\./.test(name))
		.sort()
		.pop();
	if (!found) throw new Error(`No Node 24 under ${CACHE_DIR}: run scripts/ensure-n8n.sh`);
	return path.join(CACHE_DIR, found, 'bin');
}

export function n8nBin(): string {
	const bin = path.join(CACHE_DIR, `n8n-${N8N_VERSION}`, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!existsSync(bin))
		throw new Error(
			`n8n ${N8N_VERSION} is not installed under ${CACHE_DIR}: run scripts/ensure-n8n.sh`,
		);
	return bin;
}

/** Environment of every n8n process of the suite: quiet, offline, one user folder, a fixed encryption key. */
export function n8nEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: `${nodeBinDir()}${path.delimiter}${process.env.PATH ?? ''}`,
		// Jest sets NODE_ENV=test, which makes n8n behave as in its own unit tests.
		NODE_ENV: 'production',
		N8N_USER_FOLDER: USER_FOLDER,
		N8N_ENCRYPTION_KEY: 'e2e-encryption-key-not-secret',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		// n8n starts a task broker even for `n8n execute`; a port per test process lets two suites run side by side.
		N8N_RUNNERS_BROKER_PORT: String(20_000 + (process.pid % 20_000)),
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		...extra,
	};
}

/** `extraEnv` overrides the suite's environment, e.g. `{ N8N_USER_FOLDER }` for a test with its own user folder. */
export async function runN8n(
	args: string[],
	timeoutMs = 120_000,
	extraEnv: Record<string, string> = {},
): Promise<CliResult> {
	return await new Promise((resolve, reject) => {
		const child = spawn(path.join(nodeBinDir(), 'node'), [n8nBin(), ...args], {
			env: n8nEnv(extraEnv),
			cwd: scratchDir(),
		});
		// Everything n8n prints (the run data of `n8n execute` included) also goes to .e2e/logs for secretLeaks.e2e.test.ts.
		const log = openProcessLog(`cli-${args[0]}`);
		log.write(`$ n8n ${args.join(' ')}\n`);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			log.write(chunk);
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			log.write(chunk);
		});
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(
				new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`),
			);
		}, timeoutMs);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			log.write(`\n[exit ${code ?? signal}]\n`);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

/** The major version of the n8n under test (N8N_VERSION): 1 or 2. */
export const n8nMajorVersion = (): number => Number(N8N_VERSION.split('.')[0]);

/**
 * Makes an imported workflow active at n8n's next start. n8n 2.x publishes it (`publish:workflow`); 1.x has no
 * publishing and marks it active instead (`update:workflow --active=true`).
 */
export async function activateWorkflow(
	id: string,
	extraEnv: Record<string, string> = {},
): Promise<void> {
	const args =
		n8nMajorVersion() < 2
			? ['update:workflow', `--id=${id}`, '--active=true']
			: ['publish:workflow', `--id=${id}`];
	const result = await runN8n(args, 120_000, extraEnv);
	if (result.code !== 0)
		throw new Error(`n8n ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

async function importFile(
	kind: 'credentials' | 'workflow',
	data: unknown,
	extraEnv: Record<string, string> = {},
): Promise<void> {
	const file = path.join(scratchDir(), `import-${kind}-${process.pid}-${Date.now()}.json`);
	writeFileSync(file, JSON.stringify(data));
	const result = await runN8n([`import:${kind}`, `--input=${file}`], 120_000, extraEnv);
	if (result.code !== 0)
		throw new Error(`n8n import:${kind} failed:\n${result.stdout}\n${result.stderr}`);
}

export interface CredentialFile {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** n8n import:credentials takes plain credential data and encrypts it with the instance's key. */
export async function importCredentials(
	credentials: CredentialFile[],
	extraEnv: Record<string, string> = {},
): Promise<void> {
	// Their secrets (deliberately wrong ones too) must show up in no output: secretLeaks.e2e.test.ts checks.
	recordCredentialSecrets(credentials);
	await importFile('credentials', credentials, extraEnv);
}
export const importWorkflows = async (
	workflows: unknown[],
	extraEnv: Record<string, string> = {},
) => await importFile('workflow', workflows, extraEnv);

export interface NodeRun {
	executionStatus?: string;
	error?: {
		message?: string;
		description?: string;
		name?: string;
		httpCode?: string;
		[key: string]: unknown;
	};
	data?: { main?: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }> | null> };
}

export interface ExecutionResult {
	ok: boolean;
	/** The message n8n printed for a failed execution (the CLI prints no run data then). */
	errorMessage?: string;
	/** The execution's status as n8n printed it (`success`, `error`, …), whatever the process's exit. */
	status?: string;
	runData: Record<string, NodeRun[]>;
	error?: NodeRun['error'];
	raw: CliResult;
}

/** Runs a workflow once with `n8n execute` (it must start with a Manual Trigger) and parses the run. */
export async function executeWorkflow(
	id: string,
	extraEnv: Record<string, string> = {},
): Promise<ExecutionResult> {
	const raw = await runN8n(['execute', `--id=${id}`, '--rawOutput'], 120_000, extraEnv);
	// The CLI prints the run as JSON: alone on success, after "Execution error:" and a line of "=" on failure.
	const start = raw.stdout.search(/^\{\n {2}"data"/m);
	let parsed: {
		status?: string;
		data?: { resultData?: { runData?: Record<string, NodeRun[]>; error?: NodeRun['error'] } };
	} = {};
	if (start >= 0) {
		try {
			// Pretty-printed: the object ends at the first "}" alone at the start of a line; logs may follow.
			const end = raw.stdout.slice(start).search(/^\}$/m);
			parsed = JSON.parse(raw.stdout.slice(start, end >= 0 ? start + end + 1 : undefined));
		} catch {
			parsed = {};
		}
	}
	const resultData = parsed.data?.resultData ?? {};
	// n8n 2.41.1's CLI sometimes prints the finished run, then dies of SIGSEGV in teardown (its core dump: one of
	// n8n's worker threads still allocating in V8 while the main thread exits; seen with and without this package).
	// The run it printed is what a test judges; the crash is logged.
	const diedAfterRun = raw.code === null && raw.signal !== null && parsed.status === 'success';
	if (diedAfterRun) {
		console.warn(
			`n8n execute --id=${id} printed a successful run, then ended by ${raw.signal} during exit`,
		);
	}
	return {
		ok: (raw.code === 0 || diedAfterRun) && !resultData.error,
		errorMessage: resultData.error?.message,
		status: parsed.status,
		runData: resultData.runData ?? {},
		error: resultData.error,
		raw,
	};
}

/** The JSON of the items a node output on its first run and output. */
export function outputOf(
	result: ExecutionResult,
	nodeName: string,
	output = 0,
): Array<Record<string, unknown>> {
	const run = result.runData[nodeName]?.[0];
	return (run?.data?.main?.[output] ?? []).map((item) => item.json);
}
