import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'fs';
import * as path from 'path';

import { declaredTypes, installLikeCommunityNodes, loadErrors } from '../harness/install';
import { executeWorkflow, importWorkflows, nodeBinDir, outputOf } from '../harness/n8n';
import { E2E_DIR, PACKAGE_PREFIX, PROJECT_ROOT, TARBALL_STEM } from '../harness/paths';
import { N8nServer } from '../harness/server';

/**
 * Release check: the `npm pack` tarball in a clean n8n user folder of its own (not the suite's shared one), installed
 * the way n8n 2.41.1's Community Nodes screen installs a package, loads every node and credential package.json's
 * `n8n` section declares, with no load error in n8n's log; n8n's own uninstall (the Community Nodes screen's DELETE
 * /rest/community-packages) removes it again, and n8n keeps working without it.
 *
 * Two `n8n start`s: the first loads the package as any start does (n8n scans `.n8n/nodes/node_modules`); n8n's
 * uninstall only acts on packages with `installed_packages` rows, which the Install button writes after its npm
 * steps (InstalledPackagesRepository.persistPackageWithNodes) and which the registry-less install here cannot get
 * from n8n (POST /rest/community-packages runs `npm pack <name>@<version>` against the public registry; another
 * registry needs an Enterprise licence). So between the starts the test writes those rows exactly as that method
 * does, and the second start uninstalls through the REST endpoint.
 */
const USER_FOLDER = path.join(E2E_DIR, 'packaging-user');
const env = { N8N_USER_FOLDER: USER_FOLDER };
const nodesDir = path.join(USER_FOLDER, '.n8n', 'nodes');
const packageJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	author?: { name?: string; email?: string };
	n8n: { nodes: string[]; credentials: string[] };
};

interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	iconUrl?: string | { light: string; dark: string };
	credentials?: Array<{ name: string }>;
}

/** What package.json's `n8n` section declares, from the built files (globalSetup built and packed them). */
const declared = declaredTypes();
const declaredNodes = declared.nodes;

const server = new N8nServer();
let packageDir = '';

/** One `n8n start` in the test's user folder, logged in as the owner, stopped even when an assertion fails. */
async function withServer(body: () => Promise<void>): Promise<string> {
	await server.start(env);
	try {
		await server.setupOwner();
		await body();
	} finally {
		await server.stop();
	}
	return server.logs;
}

const nodeTypes = async () => {
	const { status, data } = await server.getJson<NodeTypeDescription[]>('/types/nodes.json');
	expect(status).toBe(200);
	return data;
};
const credentialTypes = async () => {
	const { status, data } = await server.getJson<Array<{ name: string }>>('/types/credentials.json');
	expect(status).toBe(200);
	return data.map((c) => c.name);
};
beforeAll(() => {
	rmSync(USER_FOLDER, { recursive: true, force: true });
	const tarball = readdirSync(E2E_DIR).find(
		(file) => file.startsWith(`${TARBALL_STEM}-`) && file.endsWith('.tgz'),
	);
	if (!tarball) throw new Error(`no packed tarball in ${E2E_DIR} (globalSetup packs it)`);
	packageDir = installLikeCommunityNodes(path.join(E2E_DIR, tarball), USER_FOLDER);
});

afterAll(async () => {
	await server.stop();
});

it('the tarball installs into a clean user folder as Community Nodes does: only dist, its own dependencies beside it', () => {
	expect(readdirSync(packageDir).sort()).toEqual([
		'README.md',
		'dist',
		'node_modules',
		'package.json',
	]);
	const installed = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	expect(installed).not.toHaveProperty('devDependencies');
	expect(installed).not.toHaveProperty('peerDependencies');
	for (const dependency of ['dingtalk-stream', 'ws', 'axios'])
		expect(existsSync(path.join(packageDir, 'node_modules', dependency))).toBe(true);
	// n8n provides n8n-workflow; a copy of its own would be a second, incompatible instance.
	expect(existsSync(path.join(packageDir, 'node_modules', 'n8n-workflow'))).toBe(false);
	for (const file of [...packageJson.n8n.nodes, ...packageJson.n8n.credentials])
		expect(existsSync(path.join(packageDir, file))).toBe(true);
	expect(
		JSON.parse(readFileSync(path.join(nodesDir, 'package.json'), 'utf8')).dependencies,
	).toEqual({ [packageJson.name]: packageJson.version });
});

it('n8n loads every node and credential package.json declares, with icons, and logs no load error', async () => {
	expect(declaredNodes.map((n) => n.type).sort()).toEqual([
		`${PACKAGE_PREFIX}.dingTalk`,
		`${PACKAGE_PREFIX}.dingTalkTrigger`,
		`${PACKAGE_PREFIX}.xpertAi`,
	]);
	const logs = await withServer(async () => {
		const types = await nodeTypes();
		for (const node of declaredNodes) {
			const loaded = types.filter((t) => t.name === node.type);
			// Usable as AI tool: n8n adds a `…Tool` variant, so match the type itself.
			expect(loaded.map((t) => t.displayName)).toEqual([node.displayName]);
			// The editor loads the icon from this URL; a missing file would show a broken image.
			const iconUrl = loaded[0].iconUrl;
			const url = typeof iconUrl === 'string' ? iconUrl : iconUrl?.light;
			expect(url).toMatch(new RegExp(`^icons/${packageJson.name}/dist/`));
			const icon = await fetch(`${server.baseUrl}/${url}`);
			expect(icon.status).toBe(200);
			expect(await icon.text()).toContain('<svg');
		}
		expect(types.some((t) => t.name === `${PACKAGE_PREFIX}.dingTalkTool`)).toBe(true);
		// Loaded, but not listed under Settings → Community Nodes: that list is the installed_packages table, which
		// only n8n's own install writes (so a package put into .n8n/nodes by hand cannot be uninstalled there).
		expect((await server.rest('GET', '/community-packages')).data).toEqual([]);
		expect(await credentialTypes()).toEqual(expect.arrayContaining(declared.credentials));
		// The REST call the editor makes when a node is opened.
		const { status, data } = await server.rest<NodeTypeDescription[]>('POST', '/node-types', {
			nodeInfos: declaredNodes.map((n) => ({
				name: n.type,
				version: Array.isArray(n.version) ? n.version.at(-1) : n.version,
			})),
		});
		expect(status).toBe(200);
		// (This endpoint answers with the names without the package prefix.)
		expect(data.map((d) => d.displayName).sort()).toEqual(
			declaredNodes.map((n) => n.displayName).sort(),
		);
	});
	expect(loadErrors(logs)).toEqual([]);
});

it("n8n's Community Nodes uninstall removes the package, and n8n works without it", async () => {
	// The rows the Install button writes (InstalledPackagesRepository.persistPackageWithNodes), with node:sqlite of
	// n8n's own Node 24 while n8n is stopped.
	const rows = {
		database: path.join(USER_FOLDER, '.n8n', 'database.sqlite'),
		package: {
			packageName: packageJson.name,
			installedVersion: packageJson.version,
			authorName: packageJson.author?.name ?? null,
			authorEmail: packageJson.author?.email ?? null,
		},
		nodes: declaredNodes.map((n) => ({
			name: n.displayName,
			type: n.type,
			latestVersion: Array.isArray(n.version) ? Math.max(...n.version) : n.version,
		})),
	};
	const script = `
		const { DatabaseSync } = require('node:sqlite');
		const rows = JSON.parse(process.argv[1]);
		const db = new DatabaseSync(rows.database);
		const p = rows.package;
		db.prepare('INSERT INTO installed_packages (packageName, installedVersion, authorName, authorEmail) VALUES (?, ?, ?, ?)').run(p.packageName, p.installedVersion, p.authorName, p.authorEmail);
		for (const n of rows.nodes) db.prepare('INSERT INTO installed_nodes (name, type, latestVersion, package) VALUES (?, ?, ?, ?)').run(n.name, n.type, n.latestVersion, p.packageName);
		db.close();`;
	execFileSync(path.join(nodeBinDir(), 'node'), [
		'--no-warnings',
		'-e',
		script,
		JSON.stringify(rows),
	]);

	const logs = await withServer(async () => {
		const listed = await server.rest<
			Array<{
				packageName: string;
				installedVersion: string;
				installedNodes: Array<{ type: string }>;
			}>
		>('GET', '/community-packages');
		expect(listed.status).toBe(200);
		expect(listed.data).toEqual([
			expect.objectContaining({
				packageName: packageJson.name,
				installedVersion: packageJson.version,
				installedNodes: expect.arrayContaining(
					rows.nodes.map((n) => expect.objectContaining({ type: n.type })),
				),
			}),
		]);

		const removed = await server.rest(
			'DELETE',
			`/community-packages?name=${encodeURIComponent(packageJson.name)}`,
		);
		expect(removed.status).toBe(200);
		// Gone from the running instance (the editor's type files are regenerated), from disk and from the ledger.
		const types = await nodeTypes();
		expect(types.filter((t) => t.name.startsWith(`${PACKAGE_PREFIX}.`))).toEqual([]);
		expect((await credentialTypes()).filter((name) => declared.credentials.includes(name))).toEqual(
			[],
		);
		expect((await server.rest('GET', '/community-packages')).data).toEqual([]);
		expect(existsSync(packageDir)).toBe(false);
		expect(
			JSON.parse(readFileSync(path.join(nodesDir, 'package.json'), 'utf8')).dependencies,
		).toEqual({});
	});
	expect(logs).toContain(`Community package uninstalled: ${packageJson.name}`);
	expect(loadErrors(logs)).toEqual([]);

	// A fresh n8n process (as after a restart) still runs workflows: core nodes only.
	await importWorkflows(
		[
			{
				id: 'pkgAfterUninst01',
				name: 'After uninstall',
				active: false,
				nodes: [
					{
						id: 'start',
						name: 'Start',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: 'set',
						name: 'Set',
						type: 'n8n-nodes-base.set',
						typeVersion: 3.4,
						position: [220, 0],
						parameters: { mode: 'raw', jsonOutput: '{"still":"works"}' },
					},
				],
				connections: { Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			},
		],
		env,
	);
	const result = await executeWorkflow('pkgAfterUninst01', env);
	expect(result.errorMessage).toBeUndefined();
	if (!result.ok)
		throw new Error(
			`n8n execute failed (exit ${result.raw.code ?? result.raw.signal}):\n${result.raw.stdout.slice(-2000)}\n${result.raw.stderr.slice(-2000)}`,
		);
	expect(outputOf(result, 'Set')).toEqual([{ still: 'works' }]);
	expect(loadErrors(result.raw.stdout + result.raw.stderr)).toEqual([]);
});
