/** Two projects: fast unit tests, and the end-to-end suite that drives a real n8n (run in band). */
const base = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	// n8n user folders, caches and Stryker's sandboxes hold copies of this package; jest must not index them.
	modulePathIgnorePatterns: [
		'<rootDir>/.e2e/',
		'<rootDir>/.cache/',
		'<rootDir>/dist/',
		'<rootDir>/.stryker-tmp/',
	],
	// Transpile only: \`npm test\` type-checks the whole tree with tsc first, so per-file type checks would only repeat it.
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};
const { availableParallelism } = require('os');

module.exports = {
	// Jest's default (cores − 1) is one worker on a 2-core machine; unit files spend most of their time loading modules,
	// so a second worker pays (`npm test` runs in band anyway).
	maxWorkers: Math.max(2, availableParallelism() - 1),
	// The secret leak check (test/e2e/secretLeaks.e2e.test.ts) runs last: it reads what the other suites left.
	testSequencer: '<rootDir>/test/e2e/sequencer.js',
	projects: [
		{ ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{
			...base,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
			globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
			// Each test drives a real n8n process (a few seconds per run, more with retries).
			setupFilesAfterEnv: ['<rootDir>/test/e2e/timeout.ts'],
		},
	],
};
