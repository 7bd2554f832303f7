// @ts-check
/**
 * Mutation testing (`npm run mutation`, StrykerJS): the floors that guard users — callback crypto, the HTTP callback
 * verifier, the event pipeline, the Stream connection, the transport and the Send and Wait response code — are
 * mutated one change at a time, and each mutant must make a unit test fail. Scores per folder are in the README
 * (Development). Not part of `npm test` or CI: a full run takes long.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
	mutate: [
		'nodes/DingTalk/crypto/**/*.ts',
		'nodes/DingTalk/http/**/*.ts',
		'nodes/DingTalk/pipeline/**/*.ts',
		'nodes/DingTalk/stream/**/*.ts',
		'nodes/DingTalk/transport/**/*.ts',
		'nodes/DingTalk/actions/message/response*.ts',
		'nodes/DingTalk/actions/message/waitLimit.ts',
	],
	testRunner: 'jest',
	// The unit project only (jest.mutation.config.js); the e2e suite starts real n8n processes.
	jest: {
		projectType: 'custom',
		configFile: 'jest.mutation.config.js',
		enableFindRelatedTests: false,
	},
	// Each mutant runs only the tests that reached its code in the initial run.
	coverageAnalysis: 'perTest',
	// A mutant that does not compile is not a test gap: the TypeScript checker discards it before any test runs.
	checkers: ['typescript'],
	tsconfigFile: 'tsconfig.json',
	// ts-jest transpiles only; Stryker's `// @ts-nocheck` must reach the mutated sources (default: src/, lib/, test/).
	disableTypeChecks: 'nodes/**/*.ts',
	// Reruns test only the mutants whose code or tests changed since the last run. The incremental file is a local
	// cache (reports/, ignored): it changes with every edit, and a committed copy would conflict on every merge.
	incremental: true,
	incrementalFile: 'reports/mutation/stryker-incremental.json',
	// The development machine has 2 cores shared with other work: one test runner, one checker.
	concurrency: 1,
	// n8n installs, e2e user folders and build output are not sources: keep them out of the sandbox copy.
	ignorePatterns: ['dist', '.cache', '.e2e', '.demo', 'coverage', 'reports', '*.tgz'],
	reporters: ['clear-text', 'progress', 'html', 'json'],
	htmlReporter: { fileName: 'reports/mutation/mutation.html' },
	jsonReporter: { fileName: 'reports/mutation/mutation.json' },
	thresholds: { high: 90, low: 85, break: null },
	tempDirName: '.stryker-tmp',
	cleanTempDir: true,
};
