/**
 * The full fuzz run (`npm run fuzz`): FUZZ_INPUTS inputs per target (default 100,000), seed FUZZ_SEED (default: a
 * new one, printed), only FUZZ_TARGET if set. Prints one JSON line per target (inputs, accepted, refused, max
 * per-input ms, heap growth) and exits 1 on any oracle violation, printing its seed and a short reproduction.
 * Reproduce one input: FUZZ_TARGET=<target> FUZZ_INPUT_SEED=<seed> npm run fuzz. FUZZ_MAX_VIOLATIONS (default 5) stops a
 * target after that many violations (set it high to count them all).
 */
import { runTarget } from './harness';
import { checkReference } from './reference';
import { TARGETS } from './targets';

async function main(): Promise<void> {
	checkReference();
	const inputs = Number(process.env.FUZZ_INPUTS ?? 100_000);
	const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
	const onlySeed =
		process.env.FUZZ_INPUT_SEED === undefined ? undefined : Number(process.env.FUZZ_INPUT_SEED);
	const targets = TARGETS.filter(
		(t) => !process.env.FUZZ_TARGET || t.name === process.env.FUZZ_TARGET,
	);
	console.log(
		JSON.stringify({
			seed,
			inputs: onlySeed === undefined ? inputs : 1,
			targets: targets.map((t) => t.name),
		}),
	);
	let failed = false;
	for (const target of targets) {
		// Wall-clock and heap limits only here (a machine of its own), never in the unit tests.
		const report = await runTarget(target, {
			inputs,
			seed,
			onlySeed,
			maxViolations: Number(process.env.FUZZ_MAX_VIOLATIONS ?? 5),
			maxInputMs: Number(process.env.FUZZ_MAX_INPUT_MS ?? 2000),
			maxHeapGrowthMB: 512,
		});
		const { firstViolations, ...counts } = report;
		console.log(JSON.stringify(counts));
		for (const v of firstViolations)
			console.log(
				JSON.stringify({
					violation: v.message,
					target: v.target,
					seed: v.seed,
					reproduce: `FUZZ_TARGET=${v.target} FUZZ_INPUT_SEED=${v.seed} npm run fuzz`,
					input: v.input,
				}),
			);
		failed ||= report.violations > 0;
	}
	process.exit(failed ? 1 : 0);
}

void main();
