/**
 * Jest's default order, except that the secret leak check runs after every other suite: it reads what they left in
 * .e2e (n8n's logs and databases, the secrets they used).
 */
const Sequencer = require('@jest/test-sequencer').default;

const isLeakCheck = (test) => /secretLeaks\.e2e\.test\.ts$/.test(test.path);

class LeakCheckLast extends Sequencer {
	async sort(tests) {
		const sorted = await super.sort(tests);
		return [...sorted.filter((t) => !isLeakCheck(t)), ...sorted.filter(isLeakCheck)];
	}
}

module.exports = LeakCheckLast;
