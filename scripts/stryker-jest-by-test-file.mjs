// @ts-check
/**
 * StrykerJS test runner `jest-by-test-file`: the jest runner, but each mutant loads only the test files that hold the
 * tests covering it.
 *
 * With `coverageAnalysis: 'perTest'` the jest runner runs a mutant's covering tests by name (`--testNamePattern`),
 * yet jest still loads every test file related to the mutated source (`--findRelatedTests`) to find those names:
 * for a mutant in `pipeline/` that is about 50 test files, each importing n8n-workflow anew, some 18 s per mutant
 * before any test runs. The dry run already reports the file of every test; this runner keeps that map (test name
 * -> files) and hands jest those files instead. The same tests run, selected by the same name pattern, so the
 * outcome of each mutant is unchanged. A mutant whose tests cannot all be placed runs as before.
 *
 * The dry run happens in one test runner process; the others (and a runner restarted after a timeout) read the map
 * from a file in the sandbox, which all runner processes share as their working directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { commonTokens, declareFactoryPlugin, PluginKind } from '@stryker-mutator/api/plugin';
import { strykerPlugins as jestRunnerPlugins } from '@stryker-mutator/jest-runner';

const MAP_FILE = '.stryker-test-files.json';
const jestPlugin = jestRunnerPlugins.find((plugin) => plugin.name === 'jest');
if (!jestPlugin || !('factory' in jestPlugin))
	throw new Error('@stryker-mutator/jest-runner has no "jest" plugin');

/** jest reads each positional argument as a regular expression over the test path. */
const asPathPattern = (file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @param {import('@stryker-mutator/api/plugin').Injector} injector */
function createJestByTestFileRunner(injector) {
	const runner = injector.injectFunction(jestPlugin.factory);
	const mapPath = path.resolve(MAP_FILE);
	/** @type {Map<string, string[]> | undefined} */
	let filesByTest;
	/** @type {string[] | undefined} */
	let filesForNextRun;

	const loadMap = () => {
		if (filesByTest) return filesByTest;
		if (!fs.existsSync(mapPath)) return undefined;
		filesByTest = new Map(Object.entries(JSON.parse(fs.readFileSync(mapPath, 'utf8'))));
		return filesByTest;
	};

	const adapter = runner.jestTestAdapter;
	const adapterRun = adapter.run.bind(adapter);
	adapter.run = async (settings) => {
		const testFiles = filesForNextRun;
		filesForNextRun = undefined;
		return await adapterRun(testFiles ? { ...settings, testFiles } : settings);
	};

	const dryRun = runner.dryRun.bind(runner);
	runner.dryRun = async (options) => {
		const result = await dryRun(options);
		if (result.status === 'complete') {
			/** @type {Record<string, string[]>} */
			const map = {};
			for (const test of result.tests) {
				if (!test.fileName) continue;
				const files = (map[test.id] ??= []);
				if (!files.includes(test.fileName)) files.push(test.fileName);
			}
			fs.writeFileSync(mapPath, JSON.stringify(map));
			filesByTest = new Map(Object.entries(map));
		}
		return result;
	};

	const mutantRun = runner.mutantRun.bind(runner);
	runner.mutantRun = async (options) => {
		const map = loadMap();
		if (map && options.testFilter && options.testFilter.length > 0) {
			const files = new Set();
			let placed = true;
			for (const id of options.testFilter) {
				const found = map.get(id);
				if (!found) {
					placed = false;
					break;
				}
				for (const file of found) files.add(file);
			}
			if (placed) filesForNextRun = [...files].map(asPathPattern);
		}
		return await mutantRun(options);
	};
	return runner;
}
createJestByTestFileRunner.inject = /** @type {const} */ ([commonTokens.injector]);

export const strykerPlugins = [
	declareFactoryPlugin(PluginKind.TestRunner, 'jest-by-test-file', createJestByTestFileRunner),
];
