/**
 * The seeded edition of the fuzz suite (test/fuzz; the full run is `npm run fuzz`): each target runs a fixed number of
 * inputs from a fixed seed, so a failure here reproduces with the seed it prints
 * (FUZZ_TARGET=<target> FUZZ_INPUT_SEED=<seed> npm run fuzz). No wall-clock or heap limits here: those are judged
 * only by the full run.
 */
import { type Outcome, runTarget } from '../fuzz/harness';
import { checkReference, refDecrypt, refSignature, VECTORS } from '../fuzz/reference';
import { TARGETS } from '../fuzz/targets';
import { ACCEPTED_SHARE, replayFlipTarget } from '../fuzz/targets/replayFlip';

const SEED = 20261128;
/** Inputs per target: a few seconds each on a slow machine. */
const INPUTS: Record<string, number> = {
	httpCallback: 3000,
	replayFlip: 2000,
	streamFrames: 1500,
	pipeline: 3000,
	cardMerge: 300,
	sse: 2000,
	sendAndWait: 2000,
};

describe('fuzz reference (independent of the package, from dingtalk-protocol.md §3)', () => {
	it('reproduces the vectors V1–V4 and the robot signature fixture', () => {
		expect(() => checkReference()).not.toThrow();
		expect(
			VECTORS.map((v) => refSignature(v.token, v.timestamp, v.nonce, v.encrypt) === v.signature),
		).toEqual([true, true, true, true]);
	});
	it('refuses a ciphertext with one flipped byte', () => {
		const v = VECTORS[1];
		const bytes = Buffer.from(v.encrypt, 'base64');
		bytes[bytes.length - 1] ^= 1;
		expect(refDecrypt(v.aesKey, bytes.toString('base64'))?.owner === v.owner).toBe(false);
	});
});

describe('fuzz targets (seeded edition)', () => {
	it.each(TARGETS.map((t) => [t.name, t] as const))(
		'%s: no oracle violation, and the stated share of inputs accepted',
		async (name, target) => {
			const report = await runTarget(target, {
				inputs: INPUTS[name] ?? 1000,
				seed: SEED,
				maxViolations: 3,
			});
			expect({ target: name, seed: SEED, violations: report.firstViolations }).toEqual({
				target: name,
				seed: SEED,
				violations: [],
			});
			expect(report.inputs).toBe(INPUTS[name] ?? 1000);
			// Each target accepts at least the share stated with its generator (and states one above 0).
			expect(target.minAcceptedShare).toBeGreaterThan(0);
			expect(report.accepted / report.inputs).toBeGreaterThanOrEqual(target.minAcceptedShare);
		},
		60_000,
	);
});

describe('fuzz harness', () => {
	const stub = (minAcceptedShare: number, accept: (index: number) => boolean) => {
		let index = 0;
		return {
			name: 'stub',
			minAcceptedShare,
			run: (): Outcome => (accept(index++) ? 'accepted' : 'refused'),
		};
	};
	it('a target whose code refuses every input fails the run', async () => {
		const report = await runTarget(
			stub(0.1, () => false),
			{ inputs: 200, seed: SEED },
		);
		expect(report).toMatchObject({ inputs: 200, accepted: 0, refused: 200, violations: 1 });
		expect(report.firstViolations[0].message).toBe(
			'accepted 0 of 200 inputs, less than the stated share 0.1',
		);
	});
	it('a target that accepts its stated share passes; a reproduction of one input is not judged by it', async () => {
		const tenth = stub(0.1, (i) => i % 10 === 0);
		expect(await runTarget(tenth, { inputs: 200, seed: SEED })).toMatchObject({
			accepted: 20,
			violations: 0,
		});
		const refusing = stub(0.1, () => false);
		expect(await runTarget(refusing, { inputs: 200, seed: SEED, onlySeed: 7 })).toMatchObject({
			inputs: 1,
			violations: 0,
		});
	});
});

describe('fuzz replayFlip: CBC bit-flips by a Callback Token holder', () => {
	it(`runs at least ${ACCEPTED_SHARE * 100}% of its inputs (a guard that refuses everything fails)`, async () => {
		const report = await runTarget(replayFlipTarget, {
			inputs: 2000,
			seed: SEED,
			maxViolations: 3,
		});
		expect(report.firstViolations).toEqual([]);
		expect(report.accepted / report.inputs).toBeGreaterThanOrEqual(ACCEPTED_SHARE);
	}, 60_000);
});
