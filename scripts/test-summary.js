// Prints, from jest's --json results: each test file with its project, result and time (slowest first), the
// total, and last one plain "N passed, N failed" line that any CI can read.
const { readFileSync } = require('fs');
const path = require('path');

const results = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const root = path.resolve(__dirname, '..');
const rows = results.testResults.map((suite) => ({
	file: path.relative(root, suite.name),
	status: suite.status === 'passed' ? 'passed' : 'FAILED',
	tests: suite.assertionResults.length,
	seconds: (suite.endTime - suite.startTime) / 1000,
}));
rows.sort((a, b) => b.seconds - a.seconds);
const width = Math.max(...rows.map((r) => r.file.length), 10);
console.log(`\n${'suite'.padEnd(width)}  result  tests  seconds`);
for (const r of rows)
	console.log(
		`${r.file.padEnd(width)}  ${r.status.padEnd(6)}  ${String(r.tests).padStart(5)}  ${r.seconds.toFixed(1).padStart(7)}`,
	);
const total = rows.reduce((sum, r) => sum + r.seconds, 0);
console.log(
	`${'total'.padEnd(width)}          ${String(results.numTotalTests).padStart(5)}  ${total.toFixed(1).padStart(7)}\n`,
);
const broken = results.numRuntimeErrorTestSuites;
console.log(
	`${results.numPassedTests} passed, ${results.numFailedTests + broken} failed` +
		(broken ? ` (${broken} test files failed to run)` : ''),
);
