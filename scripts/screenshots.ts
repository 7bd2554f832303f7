/**
 * `npm run screenshots`: docs/screenshots/<flow file>.png for every prebuilt flow in workflows/, as the real n8n
 * editor shows it. Installs the packed package into a fresh n8n user folder (as `npm start` does), imports the flows
 * with the demo credentials (placeholder values: nothing runs), starts n8n, logs in as the owner in headless
 * Chromium, opens each flow, waits for its nodes on the canvas, fits the view and saves the picture.
 * Needs /usr/bin/chromium (Debian: `apt-get install -y chromium`; CHROMIUM_PATH to use another); exits non-zero
 * with the reason when a flow does not render.
 * `npm run screenshots -- --flow dingtalk-approval-assistant`: that flow's picture only (the others stay as they are).
 * `npm run screenshots -- --locale zh-CN`: in the same user folder, checks whether the editor shows this package's
 * translations under that locale (scripts/localeCheck.ts) instead.
 */
import { mkdirSync, rmSync } from 'fs';
import * as path from 'path';
import { type Page } from 'playwright-core';

import { ensureN8n, installIntoUserFolder, packPackage } from '../test/harness/install';
import { importCredentials, importWorkflows } from '../test/harness/n8n';
import { PROJECT_ROOT } from '../test/harness/paths';
import { logIn, VIEWPORT, withChromium } from './browser';
import { N8nServer } from '../test/harness/server';
import { type DemoFlow, demoCredentials, importable, loadDemoFlows } from './demo';
import { checkLocale, localeArgument } from './localeCheck';

const OUT_DIR = path.join(PROJECT_ROOT, 'docs', 'screenshots');
const WORK_DIR = path.join(PROJECT_ROOT, '.demo', 'screenshots');
const USER_FOLDER = path.join(WORK_DIR, 'n8n-user');
const env = { N8N_USER_FOLDER: USER_FOLDER };

async function main() {
	const locale = localeArgument(process.argv.slice(2));
	const only = flowArgument(process.argv.slice(2));
	const flows = await prepareUserFolder();
	if (locale)
		return await checkLocale(locale, { userFolder: USER_FOLDER, workDir: WORK_DIR, flows });
	const server = new N8nServer();
	const failures: string[] = [];
	try {
		await server.start(env);
		await server.setupOwner();
		await withChromium(async (_browser, page) => {
			await logIn(page, server.baseUrl);
			mkdirSync(OUT_DIR, { recursive: true });
			for (const flow of flows.filter((f) => !only || f.file === only)) {
				const file = path.join(OUT_DIR, `${flow.file}.png`);
				try {
					// Sticky notes are drawn on the canvas but not as canvas nodes: the count is of the flow's other nodes.
					const nodeCount = flow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').length;
					await shoot(page, `${server.baseUrl}/workflow/${flow.id}`, nodeCount, file);
					console.log(`saved ${path.relative(PROJECT_ROOT, file)} (${flow.name})`);
				} catch (error) {
					failures.push(`${flow.file}: ${(error as Error).message}`);
					await page
						.screenshot({ path: path.join(WORK_DIR, `${flow.file}.failed.png`) })
						.catch(() => undefined);
				}
			}
		});
	} finally {
		await server.stop();
	}
	if (failures.length > 0) {
		console.error(
			`These flows did not render (what the page showed: ${path.relative(PROJECT_ROOT, WORK_DIR)}/*.failed.png):\n${failures.join('\n')}`,
		);
		process.exit(1);
	}
}

/** `--flow <file>`: the flow file (without .json) to take alone; it must be one of workflows/. */
function flowArgument(args: string[]): string | undefined {
	const at = args.indexOf('--flow');
	if (at === -1) return undefined;
	const file = (args[at + 1] ?? '').replace(/\.json$/, '');
	const known = loadDemoFlows().map((f) => f.file);
	if (!known.includes(file))
		throw new Error(`--flow needs one of ${known.join(', ')}, got "${file}"`);
	return file;
}

/** A fresh n8n user folder with the packed package installed and the demo flows and credentials imported. */
async function prepareUserFolder(): Promise<DemoFlow[]> {
	ensureN8n();
	rmSync(WORK_DIR, { recursive: true, force: true });
	installIntoUserFolder(packPackage(WORK_DIR), USER_FOLDER);
	const app = {
		clientId: 'dingscreenshots',
		clientSecret: 'placeholder-not-a-secret',
		robotCode: '',
		language: 'en',
	};
	await importCredentials(
		demoCredentials({
			dingTalk: app,
			dingTalkHttp: { ...app, callbackToken: 'placeholder', callbackAesKey: 'a'.repeat(43) },
			xpert: {
				baseUrl: 'http://127.0.0.1:9/api/ai',
				apiKey: 'sk-x-placeholder',
				organizationId: '',
			},
			model: { apiKey: 'placeholder', url: 'http://127.0.0.1:9/v1' },
		}),
		env,
	);
	const flows = loadDemoFlows();
	await importWorkflows(flows.map(importable), env);
	return flows;
}

async function shoot(page: Page, url: string, nodeCount: number, file: string) {
	await page.goto(url);
	const nodes = page.locator('[data-test-id="canvas-node"]');
	const deadline = Date.now() + 60_000;
	while ((await nodes.count()) < nodeCount) {
		if (Date.now() > deadline)
			throw new Error(
				`${await nodes.count()} of ${nodeCount} nodes on the canvas after 60 s (page: ${page.url()})`,
			);
		await page.waitForTimeout(250);
	}
	// Let the editor finish its own first layout, then fit to view with its own button and zoom out one step so the
	// canvas controls at the bottom cover no node; the mouse rests off the canvas.
	await page.waitForLoadState('networkidle').catch(() => undefined);
	await page.waitForTimeout(1_000);
	await page.locator('[data-test-id="zoom-to-fit"]').click();
	await page.waitForTimeout(600);
	await page.locator('[data-test-id="zoom-out-button"]').click();
	await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
	await page.waitForTimeout(1_000);
	await page.screenshot({ path: file });
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
