/**
 * The jest configuration StrykerJS runs (stryker.config.mjs): the unit project of jest.config.js on its own, rooted
 * in Stryker's sandbox. The e2e project never runs under mutation (each of its tests starts a real n8n).
 */
const { projects } = require('./jest.config');

const unit = projects.find((project) => project.displayName === 'unit');
module.exports = { ...unit, rootDir: __dirname };
