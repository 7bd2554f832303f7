import { execFileSync } from 'child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';

import { E2E_DIR, PROJECT_ROOT, USER_FOLDER } from './paths';

/**
 * Once per run: make sure the real n8n is installed (cached), build and pack this package, and install the
 * tarball into a fresh n8n user folder the way the Community Nodes screen does.
 */
export default async function globalSetup(): Promise<void> {
	const sh = (cmd: string, args: string[], cwd = PROJECT_ROOT) =>
		execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
	sh('bash', ['scripts/ensure-n8n.sh']);
	rmSync(E2E_DIR, { recursive: true, force: true });
	mkdirSync(E2E_DIR, { recursive: true });
	sh('npm', ['run', 'build', '--silent']);
	const packed = sh('npm', ['pack', '--pack-destination', E2E_DIR, '--silent']).trim().split('\n').pop() as string;
	const tarball = path.join(E2E_DIR, path.basename(packed));

	const nodesDir = path.join(USER_FOLDER, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }));
	// --legacy-peer-deps: n8n provides n8n-workflow; without it npm would install (and try to build) its own.
	sh('npm', ['install', tarball, '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'], nodesDir);
	const installed = readdirSync(path.join(nodesDir, 'node_modules'));
	if (!installed.includes('n8n-nodes-dingtalk')) throw new Error('The packed package did not install into .n8n/nodes');
}
