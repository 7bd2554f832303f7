import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';

import { PACKAGE_PREFIX, PROJECT_ROOT } from './paths';

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
	const packed = sh('npm', ['pack', '--pack-destination', destination, '--silent'])
		.trim()
		.split('\n')
		.pop() as string;
	return path.join(destination, path.basename(packed));
}

/** Installs the tarball into an n8n user folder exactly as n8n's Community Nodes screen does. */
export function installIntoUserFolder(tarball: string, userFolder: string): void {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }),
	);
	// --legacy-peer-deps: n8n provides n8n-workflow; without it npm would install (and try to build) its own.
	sh(
		'npm',
		['install', tarball, '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'],
		nodesDir,
	);
	if (!existsSync(path.join(nodesDir, 'node_modules', PACKAGE_PREFIX, 'package.json'))) {
		throw new Error('The packed package did not install into .n8n/nodes');
	}
}

/**
 * Installs the tarball step by step as n8n 2.41.1's Community Nodes install does it
 * (CommunityPackagesService.downloadPackage in n8n's `modules/community-packages`), with the tarball in place of
 * `npm pack <name>@<version>` from the registry: unpack into `.n8n/nodes/node_modules/<name>`, drop
 * dev/peer/optional dependencies from its package.json, `npm install` its own dependencies inside it (shallow, no
 * scripts, no lock file), and record it in the ledger `.n8n/nodes/package.json`. Returns the package's folder.
 * (The Install button then also writes the `installed_packages`/`installed_nodes` rows; see packaging.e2e.test.ts.)
 */
export function installLikeCommunityNodes(tarball: string, userFolder: string): string {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const ledgerPath = path.join(nodesDir, 'package.json');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_PREFIX);
	mkdirSync(packageDir, { recursive: true });
	sh('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const packageJsonPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(
		readFileSync(packageJsonPath, 'utf8'),
	);
	writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2));
	sh(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--loglevel=error',
		],
		packageDir,
	);
	const ledger = existsSync(ledgerPath)
		? JSON.parse(readFileSync(ledgerPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	ledger.dependencies[packageJson.name] = packageJson.version;
	writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2));
	return packageDir;
}

export interface DeclaredTypes {
	/** Each node package.json's `n8n` section declares, with its type as n8n names it (`<package>.<name>`). */
	nodes: Array<{ name: string; type: string; displayName: string; version: number | number[] }>;
	credentials: string[];
}

/**
 * The nodes and credentials package.json's `n8n` section declares, read from the built files in a plain Node process
 * (jest's module loader does not see `dist/`). Build first (`packPackage` does).
 */
export function declaredTypes(): DeclaredTypes {
	const { n8n } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	};
	const declared = JSON.parse(
		execFileSync(
			process.execPath,
			[
				'-e',
				`const files = JSON.parse(process.argv[1]);
		const instance = (file) => { const m = require(require('path').join(process.cwd(), file)); return new (Object.values(m)[0])(); };
		console.log(JSON.stringify({
			nodes: files.nodes.map((f) => { const d = instance(f).description; return { name: d.name, displayName: d.displayName, version: d.version }; }),
			credentials: files.credentials.map((f) => instance(f).name),
		}));`,
				JSON.stringify(n8n),
			],
			{ cwd: PROJECT_ROOT, encoding: 'utf8' },
		),
	) as { nodes: Array<Omit<DeclaredTypes['nodes'][number], 'type'>>; credentials: string[] };
	return {
		nodes: declared.nodes.map((n) => ({ ...n, type: `${PACKAGE_PREFIX}.${n.name}` })),
		credentials: declared.credentials,
	};
}

/** Lines of n8n's output in which it reports a package, node or credential it could not load. */
export const loadErrors = (logs: string): string[] =>
	logs
		.split('\n')
		.filter((line) =>
			/failed to load|error loading|could not load|cannot find module|unknown (node|credential)|dingtalk.*error|error.*dingtalk/i.test(
				line,
			),
		);
