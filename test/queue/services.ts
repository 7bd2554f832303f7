import { type ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from 'fs';
import * as path from 'path';

import { freePort } from '../harness/server';

/**
 * The servers n8n's queue mode needs, from Debian's packages, started by the test itself on loopback ports in a
 * scratch folder: Redis (the job queue) and PostgreSQL (n8n does not support SQLite shared by several processes;
 * with it, jobs fail with SQLITE_BUSY under load — seen here). Installed with apt-get when missing (as root).
 */
export interface Service {
	port: number;
	stop(): Promise<void>;
}

function ensureDebianPackage(found: () => string | undefined, pkg: string): string {
	const existing = found();
	if (existing) return existing;
	if (process.getuid?.() !== 0)
		throw new Error(`${pkg} is not installed and this is not root: apt-get install ${pkg}`);
	process.stderr.write(`[queue] installing ${pkg} from Debian's packages\n`);
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
	execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
		stdio: 'ignore',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
	const installed = found();
	if (!installed) throw new Error(`apt-get installed ${pkg} but its server binary was not found`);
	return installed;
}

const onPath = (name: string) =>
	spawnSync('which', [name], { encoding: 'utf8' }).stdout.trim() || undefined;

function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const version = readdirSync(root)
		.filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a))[0];
	return version ? path.join(root, version, 'bin') : undefined;
}

async function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
	await exited;
	clearTimeout(timer);
}

async function waitUntil(ready: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!ready()) {
		if (Date.now() > deadline) throw new Error(`${what} did not start in ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

export async function startRedis(): Promise<Service> {
	const bin = ensureDebianPackage(() => onPath('redis-server'), 'redis-server');
	const port = await freePort();
	const child = spawn(
		bin,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
		{ stdio: 'ignore' },
	);
	const cli = onPath('redis-cli');
	await waitUntil(
		() =>
			cli
				? spawnSync(cli, ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() ===
					'PONG'
				: true,
		'redis-server',
	);
	return { port, stop: async () => await stopChild(child) };
}

export interface Postgres extends Service {
	/** n8n's settings for this database. */
	env: Record<string, string>;
	/** The whole database as SQL text (for the secret leak check: execution data lives here in queue mode). */
	dump(): string;
}

/** A throwaway cluster (initdb) in `dir`: trust auth on loopback, no fsync (test data only). */
export async function startPostgres(dir: string): Promise<Postgres> {
	const bin = ensureDebianPackage(postgresBinDir, 'postgresql');
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	// initdb and postgres refuse to run as root; the Debian package creates the `postgres` user for that.
	const asRoot = process.getuid?.() === 0;
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		chownSync(dir, uid, gid);
	}
	const run = (cmd: string, args: string[]) =>
		(asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [
			string,
			string[],
		];
	const data = path.join(dir, 'data');
	execFileSync(
		...run(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'n8n', '--no-sync']),
		{ stdio: 'ignore' },
	);
	const port = await freePort();
	const child = spawn(
		...run(path.join(bin, 'postgres'), [
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
		]),
		{
			stdio: 'ignore',
		},
	);
	const isReady = () =>
		spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0;
	await waitUntil(isReady, 'postgres');
	execFileSync(path.join(bin, 'createdb'), [
		'-h',
		'127.0.0.1',
		'-p',
		String(port),
		'-U',
		'n8n',
		'n8n',
	]);
	return {
		port,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: 'n8n',
		},
		dump: () =>
			execFileSync(
				path.join(bin, 'pg_dump'),
				['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', 'n8n'],
				{ encoding: 'utf8', maxBuffer: 1 << 30 },
			),
		stop: async () => {
			// Through runuser the child is not postgres itself: ask postgres to stop (immediately, test data only).
			spawnSync(...run(path.join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'immediate']), {
				stdio: 'ignore',
			});
			await stopChild(child);
		},
	};
}
