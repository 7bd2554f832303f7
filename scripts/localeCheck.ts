/**
 * `npm run screenshots -- --locale zh-CN`: does n8n, started with N8N_DEFAULT_LOCALE=<locale>, show this package's
 * node and credential translations in its editor? Not part of `npm test` (it needs Chromium).
 *
 * n8n looks for a node's translation at `<folder of the node's .js>/translations/<locale>/<description.name>.json`
 * (node-types.js, getNodeTranslationPath) and for a credential's only inside n8n-nodes-base
 * (translation.controller.js). When the package ships no file there, this writes a probe translation of each node's
 * first parameter into the installed copy (under both the short and the package-qualified name, the two n8n could
 * mean), starts n8n, opens each node's panel and the credential dialog in headless Chromium and reports, as JSON, for
 * each node whether n8n served the translation to the editor (the `translation` in its /rest/node-types answer) and
 * whether the panel shows it; for each credential what /rest/credential-translation answered and whether its dialog
 * shows English. Pictures go to .demo/screenshots/<locale>-*.png.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { INodeProperties, INodeType } from 'n8n-workflow';
import type { Page } from 'playwright-core';

import { PACKAGE_PREFIX, PROJECT_ROOT } from '../test/harness/paths';
import { N8nServer } from '../test/harness/server';
import { logIn, withChromium } from './browser';
import type { DemoFlow } from './demo';

/** The flow whose nodes are opened: it holds all three node types. */
const FLOW_FILE = 'xpert-dingtalk-ai-card';
const CREDENTIALS = [
	{ id: 'dingtalkDemoCred', type: 'dingTalkStreamApi' },
	{ id: 'dingtalkDemoHttpCred', type: 'dingTalkHttpApi' },
	{ id: 'xpertDemoCred', type: 'xpertAiApi' },
];

/** A parameter each node's panel shows in the demo flow, by node. */
const PROBED_PARAMETER: Record<string, string> = {
	dingTalk: 'resource',
	dingTalkTrigger: 'events',
	// Its resource and operation are not shown for the demo flow's node (one choice each).
	xpertAi: 'expert',
};

interface NodeProbe {
	type: string;
	file: string;
	parameter: string;
	english: string;
	translated: string;
	shipped: boolean;
}

export function localeArgument(args: string[]): string | undefined {
	const at = args.indexOf('--locale');
	if (at === -1) return undefined;
	const locale = args[at + 1] ?? '';
	// The locale becomes a folder name below: letters, digits and dashes only.
	if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale))
		throw new Error(`--locale needs a locale such as zh-CN, got "${locale}"`);
	return locale;
}

export async function checkLocale(
	locale: string,
	setup: { userFolder: string; workDir: string; flows: DemoFlow[] },
): Promise<void> {
	const flow = setup.flows.find(({ file }) => file === FLOW_FILE);
	if (!flow) throw new Error(`workflows/${FLOW_FILE}.json is missing`);
	const installed = path.join(setup.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_PREFIX);
	const probes = plantProbes(installed, locale);

	const server = new N8nServer();
	const answers: Array<{ url: string; body: string }> = [];
	const report: Record<string, unknown> = { locale, n8nDefaultLocale: locale };
	try {
		await server.start({ N8N_USER_FOLDER: setup.userFolder, N8N_DEFAULT_LOCALE: locale });
		await server.setupOwner();
		await withChromium(async (browser, page) => {
			browser.on('response', (response) => {
				const url = response.url();
				if (!/\/rest\/(node-types|credential-translation|node-translation-headers)/.test(url))
					return;
				void response
					.text()
					.then((body) => answers.push({ url, body }))
					.catch(() => undefined);
			});
			await logIn(page, server.baseUrl);
			report.htmlLang = await page.locator('html').getAttribute('lang');
			const nodes: Record<string, unknown> = {};
			for (const probe of probes) {
				const name = (flow.nodes as Array<{ type: string; name?: string }>).find(
					({ type }) => type === probe.type,
				)?.name as string;
				const text = await openNodePanel(page, `${server.baseUrl}/workflow/${flow.id}`, name);
				await page.screenshot({
					path: path.join(setup.workDir, `${locale}-${probe.type.split('.').pop()}.png`),
				});
				nodes[probe.type] = {
					translationFile: probe.file,
					shippedByPackage: probe.shipped,
					parameter: probe.parameter,
					editorReceivedTranslation: answers.some(
						({ url, body }) => url.includes('/node-types') && servesTranslation(body, probe),
					),
					panelShowsTranslation: text.includes(probe.translated),
					panelShowsEnglish: text.includes(probe.english),
				};
			}
			report.nodes = nodes;
			// The editor asks n8n for translated descriptions (POST /rest/node-types) only for node types whose list
			// entry has no properties, or when n8n pushes that a package was (re)installed. Do what that push does
			// and look again: the translation n8n serves then reaches the editor's messages, under the name n8n answered.
			const forced = await page.evaluate(`(async (types) => {
				const store = document.querySelector('#app')?.__vue_app__?.config.globalProperties.$pinia?._s.get('nodeTypes');
				if (!store) return 'no nodeTypes store';
				await store.getNodesInformation(types);
				return 'asked';
			})(${JSON.stringify(
				probes.map(({ type }) => ({
					name: type,
					version: (flow.nodes as Array<{ type: string; typeVersion?: number }>).find(
						(node) => node.type === type,
					)?.typeVersion,
				})),
			)})`);
			const afterForcedFetch: Record<string, unknown> = { editorFetch: forced };
			// Where the editor put the translation (it keys it by the name n8n answered) and where its panel looks
			// (n8n-nodes-base.nodes.<the node type minus "n8n-nodes-base.">.nodeView.<parameter>.displayName).
			afterForcedFetch.editorMessages = await page.evaluate(`(() => {
				const app = document.querySelector('#app')?.__vue_app__?.config.globalProperties;
				if (!app?.$te) return 'no $te';
				const keys = ${JSON.stringify(
					probes.flatMap(({ type, parameter }) => [
						`n8n-nodes-base.nodes.${type.split('.').pop()}.nodeView.${parameter}.displayName`,
						`n8n-nodes-base.nodes.${type}.nodeView.${parameter}.displayName`,
					]),
				)};
				return {
					locale: app.$i18n?.locale,
					nodesWithMessages: Object.keys(app.$tm?.('n8n-nodes-base.nodes') ?? {}),
					keys: Object.fromEntries(keys.map((key) => [key, app.$te(key) ? app.$t(key) : 'no such key'])),
				};
			})()`);
			for (const probe of probes) {
				const name = (flow.nodes as Array<{ type: string; name?: string }>).find(
					({ type }) => type === probe.type,
				)?.name as string;
				const text = await openNodePanel(
					page,
					`${server.baseUrl}/workflow/${flow.id}`,
					name,
					false,
				);
				afterForcedFetch[probe.type] = {
					panelShowsTranslation: text.includes(probe.translated),
					panelShowsEnglish: text.includes(probe.english),
				};
			}
			report.afterEditorFetchedTranslations = afterForcedFetch;
			const credentials: Record<string, unknown> = {};
			for (const credential of CREDENTIALS) {
				const text = await openCredential(
					page,
					`${server.baseUrl}/home/credentials/${credential.id}`,
				);
				await page.screenshot({
					path: path.join(setup.workDir, `${locale}-${credential.type}.png`),
				});
				const answer = answers.find(({ url }) => url.includes(`credentialType=${credential.type}`));
				credentials[credential.type] = {
					credentialTranslationAnswer: answer ? answer.body.slice(0, 200) : 'not requested',
					dialogShowsEnglishLabel: text.includes(englishCredentialLabel(credential.type)),
				};
			}
			report.credentials = credentials;
			report.nodeTypeNamesN8nAnswered = [
				...new Set(
					answers
						.filter(({ url }) => url.includes('/node-types'))
						.flatMap(({ body }) => namesIn(body)),
				),
			];
		});
	} finally {
		await server.stop();
	}
	const shown = (report.nodes ?? {}) as Record<string, { panelShowsTranslation: boolean }>;
	report.verdict = Object.values(shown).some(({ panelShowsTranslation }) => panelShowsTranslation)
		? `n8n shows this package's node translations under ${locale}`
		: `n8n shows none of this package's node translations under ${locale}`;
	console.log(JSON.stringify(report, null, 2));
}

/**
 * Each node's first parameter, translated: the package's own translation when it ships one where n8n looks, else a
 * probe written into the installed copy.
 */
function plantProbes(installed: string, locale: string): NodeProbe[] {
	const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	return manifest.n8n.nodes.map((nodePath) => {
		// The project's own build of the same file: it resolves n8n-workflow, which the installed copy gets from n8n.
		const { description } = loadNodeType(path.join(PROJECT_ROOT, nodePath));
		const parameter = description.properties.find(
			({ name }) => name === PROBED_PARAMETER[description.name],
		) as INodeProperties;
		const folder = path.join(installed, path.dirname(nodePath), 'translations', locale);
		const file = path.join(folder, `${description.name}.json`);
		const relative = path.relative(installed, file);
		if (existsSync(file)) {
			const shipped = JSON.parse(readFileSync(file, 'utf8'));
			return {
				type: `${PACKAGE_PREFIX}.${description.name}`,
				file: relative,
				parameter: parameter.name,
				english: parameter.displayName,
				translated: shipped.nodeView?.[parameter.name]?.displayName ?? '(not translated)',
				shipped: true,
			};
		}
		const translated = `${parameter.displayName}（${locale} 探针）`;
		const probe = JSON.stringify({
			header: { displayName: `${description.displayName}（${locale} 探针）` },
			nodeView: { [parameter.name]: { displayName: translated } },
		});
		mkdirSync(path.join(folder, PACKAGE_PREFIX.split('/')[0]), { recursive: true });
		writeFileSync(file, probe);
		writeFileSync(path.join(folder, `${PACKAGE_PREFIX}.${description.name}.json`), probe);
		return {
			type: `${PACKAGE_PREFIX}.${description.name}`,
			file: relative,
			parameter: parameter.name,
			english: parameter.displayName,
			translated,
			shipped: false,
		};
	});
}

function loadNodeType(file: string): INodeType {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(file) as Record<string, new () => INodeType>;
	const NodeClass = Object.values(exported)[0];
	return new NodeClass();
}

/** Whether a /rest/node-types answer carries this node's translation. */
function servesTranslation(body: string, probe: NodeProbe): boolean {
	try {
		const parsed = JSON.parse(body) as { data?: unknown };
		const list = Array.isArray(parsed.data) ? parsed.data : [];
		return list.some(
			(entry: { name?: string; translation?: { nodeView?: Record<string, unknown> } }) =>
				(entry.name === probe.type || `${PACKAGE_PREFIX}.${entry.name}` === probe.type) &&
				entry.translation?.nodeView?.[probe.parameter] !== undefined,
		);
	} catch {
		return false;
	}
}

/** The node type names in a /rest/node-types answer, to show under which name n8n served each translation. */
function namesIn(body: string): string[] {
	try {
		const parsed = JSON.parse(body) as { data?: Array<{ name?: string; translation?: unknown }> };
		return (Array.isArray(parsed.data) ? parsed.data : []).map(
			(entry) => `${entry.name}${entry.translation ? ' (with translation)' : ''}`,
		);
	} catch {
		return [];
	}
}

function englishCredentialLabel(type: string): string {
	const file = path.join(
		PROJECT_ROOT,
		'dist',
		'credentials',
		`${type[0].toUpperCase()}${type.slice(1)}.credentials.js`,
	);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(file) as Record<string, new () => { properties: INodeProperties[] }>;
	const credential = new (Object.values(exported)[0])();
	// n8n labels clientId/clientSecret with its own OAuth2 words ("Client ID"), whatever the credential says.
	return (
		credential.properties.find(
			({ name, type }) => type === 'string' && !['clientId', 'clientSecret'].includes(name),
		)?.displayName ?? ''
	);
}

/** Opens a flow, double-clicks one node and returns the text of its panel. */
async function openNodePanel(
	page: Page,
	url: string,
	nodeName: string,
	load = true,
): Promise<string> {
	if (load) await page.goto(url);
	else {
		// Same page (the editor's messages stay): close the open panel.
		await page.keyboard.press('Escape');
		await page.waitForTimeout(500);
	}
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
	await node.waitFor({ timeout: 60_000 });
	await page.waitForLoadState('networkidle').catch(() => undefined);
	await node.dblclick();
	const panel = page.locator('[data-test-id="ndv"]');
	await panel.waitFor({ timeout: 30_000 });
	await page.waitForTimeout(1_500);
	return await panel.innerText();
}

/** Opens a credential's dialog by its address and returns the dialog's text. */
async function openCredential(page: Page, url: string): Promise<string> {
	await page.goto(url);
	const dialog = page.locator('[data-test-id="editCredential-modal"]');
	await dialog.waitFor({ timeout: 30_000 });
	await page.waitForLoadState('networkidle').catch(() => undefined);
	await page.waitForTimeout(1_500);
	return await dialog.innerText();
}
