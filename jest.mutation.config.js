/**
 * The jest configuration StrykerJS runs (stryker.config.mjs): the unit project of jest.config.js on its own, rooted
 * in Stryker's sandbox. The e2e project never runs under mutation (each of its tests starts a real n8n), nor does
 * the seeded fuzz edition: every mutant it reaches would replay its thousands of inputs under instrumentation, and
 * its oracle is judged by `npm test` and `npm run fuzz`. The score thus measures the named tests.
 */
const { projects } = require('./jest.config');

// A mutant that stops an awaited frame fails its test after 3 s instead of 10 s (test/support/waitFor.ts).
process.env.DINGTALK_TEST_WAIT_MS ??= '3000';

const unit = projects.find((project) => project.displayName === 'unit');
module.exports = {
	...unit,
	rootDir: __dirname,
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/fuzz\\.test\\.ts$'],
};
