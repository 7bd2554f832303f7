import { performance } from 'perf_hooks';
import * as vm from 'vm';

/** The check every module whose regexes see input data runs on its own: 1 MB adversarial strings stay linear. */
export const STAYS_LINEAR =
	'every regex that sees input data stays linear (1 MB adversarial strings)';
export const MB = 1024 * 1024;
/**
 * The bound is relative to a known-linear pass over 1 MB measured in the same process (a busy machine slows both):
 * a linear pattern stays within a small multiple of it, while a quadratic one on 1 MB takes minutes. 200 ms is the
 * floor on a quiet machine. Under StrykerJS (npm run mutation: instrumented code on a shared machine) only the
 * watchdog judges: a runaway regex still fails there.
 */
const FLOOR_MS = process.env.STRYKER_MUTATOR_WORKER ? 2000 : 200;
const BASELINE_MULTIPLE = 20;
let limitMs: number | undefined;

/** A pass every engine does in linear time: 1 MB of short lines split on line ends, best of three. */
function baselineMs(): number {
	const text = 'ab\r\n '.repeat(MB / 5);
	let best = Infinity;
	for (let attempt = 0; attempt < 3; attempt++) {
		const started = performance.now();
		text.split(/\r?\n/).length;
		best = Math.min(best, performance.now() - started);
	}
	return best;
}

function limit(): number {
	limitMs ??= Math.ceil(Math.max(FLOOR_MS, BASELINE_MULTIPLE * baselineMs()));
	return limitMs;
}

export type LinearCase = [label: string, work: () => unknown];

/**
 * Best of up to three runs, so a busy machine does not fail a linear pass (1 MB takes a few ms; a quadratic pattern
 * takes minutes). vm's watchdog interrupts a runaway regex: such a case fails here in seconds instead of hanging jest.
 */
function bestMs(work: () => unknown): number {
	const context = vm.createContext({ work });
	let best = Infinity;
	for (let attempt = 0; attempt < 3 && best >= limit(); attempt++) {
		const started = performance.now();
		vm.runInContext('work()', context, { timeout: Math.max(2000, 2 * limit()) });
		best = Math.min(best, performance.now() - started);
	}
	return best;
}

/** One test per case, named by its label; call inside `describe(STAYS_LINEAR, …)`. */
export function itStaysLinear(cases: LinearCase[]): void {
	it.each(cases)('%s', (_label, work) => {
		expect(bestMs(work)).toBeLessThan(limit());
	});
}
