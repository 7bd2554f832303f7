import { execFileSync } from 'child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'fs';
import * as path from 'path';

import { PROJECT_ROOT } from './paths';

const sh = (cmd: string, args: string[], cwd = PROJECT_ROOT) =>
	execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

/** Makes sure the cached n8n and its Node 24 exist (scripts/ensure-n8n.sh installs them once). */
export function ensureN8n(): void {
	sh('bash', ['scripts/ensure-n8n.sh']);
}

/** Builds and packs this package; returns the tarball's path. */
export function packPackage(destination: string): string {
	mkdirSync(destination, { recursive: true });
	sh('npm', ['run', 'build', '--silent']);
	const packed = sh('npm', ['pack', '--pack-destination', destination, '--silent']).trim().split('\n').pop() as string;
	return path.join(destination, path.basename(packed));
}

/** Installs the tarball into an n8n user folder exactly as n8n's Community Nodes screen does. */
export function installIntoUserFolder(tarball: string, userFolder: string): void {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }));
	// --legacy-peer-deps: n8n provides n8n-workflow; without it npm would install (and try to build) its own.
	sh('npm', ['install', tarball, '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'], nodesDir);
	if (!readdirSync(path.join(nodesDir, 'node_modules')).includes('n8n-nodes-dingtalk')) {
		throw new Error('The packed package did not install into .n8n/nodes');
	}
}
