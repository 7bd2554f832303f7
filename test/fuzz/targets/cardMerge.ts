/** Card-answer merging: no throw on any JSON (deep nesting included), no prototype pollution, bounded depth. */
import { mergeAnswers } from '../../../nodes/DingTalk/stream/StreamConnection';
import { check, type FuzzTarget, mustNotThrow, type Outcome } from '../harness';
import { deepNest, hostileValue, type Rng } from '../prng';

/** Adapter: how the connection merges the answers of several subscribers into one ACK. */
function merge(answers: unknown[]): unknown {
	return answers.reduce((a, b) => mergeAnswers(a, b));
}

const MAX_DEPTH_CHECKED = 10_000;

/** Depth of a value, and whether every object in it still has a plain prototype (iterative: inputs are deep). */
function inspect(value: unknown): { depth: number; badPrototype: boolean } {
	let depth = 0;
	let badPrototype = false;
	const stack: Array<[unknown, number]> = [[value, 1]];
	const seen = new Set<unknown>();
	while (stack.length) {
		const [v, d] = stack.pop()!;
		if (typeof v !== 'object' || v === null || seen.has(v)) continue;
		seen.add(v);
		depth = Math.max(depth, d);
		const proto = Object.getPrototypeOf(v) as unknown;
		if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) badPrototype = true;
		if (d < MAX_DEPTH_CHECKED)
			for (const child of Object.values(v as object)) stack.push([child, d + 1]);
	}
	return { depth, badPrototype };
}

function answer(rng: Rng): unknown {
	switch (rng.int(5)) {
		case 0:
			return JSON.parse(
				`{"cardData":{"cardParamMap":{"a":"1","__proto__":{"polluted":"yes"}}},"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}`,
			) as unknown;
		case 1:
			// Deep answers are costly to build and walk: one in ten of these, so the full run stays in minutes.
			return {
				cardData: rng.chance(0.1)
					? deepNest(rng.pick([10_000, 20_000]), false)
					: deepNest(rng.pick([100, 1000]), false),
			};
		case 2:
			return {
				cardData: { cardParamMap: { a: hostileValue(rng) } },
				cardUpdateOptions: hostileValue(rng),
			};
		default:
			return hostileValue(rng);
	}
}

export const cardMergeTarget: FuzzTarget = {
	name: 'cardMerge',
	// Merging two card answers never refuses: every input is accepted.
	minAcceptedShare: 1,
	run(rng: Rng): Outcome {
		const answers = Array.from({ length: 2 + rng.int(3) }, () => answer(rng));
		const input = answers;
		const merged = mustNotThrow(input, 'mergeAnswers', () => merge(answers));
		check(
			({} as Record<string, unknown>).polluted === undefined &&
				Object.keys(Object.prototype).length === 0,
			'Object.prototype was polluted',
			input,
		);
		const result = inspect(merged);
		check(
			!result.badPrototype,
			'a merged object got another prototype (a __proto__ key was assigned)',
			input,
		);
		const inputDepth = Math.max(...answers.map((a) => inspect(a).depth));
		check(
			result.depth <= inputDepth,
			`merged depth ${result.depth} exceeds the inputs' ${inputDepth}`,
			input,
		);
		return 'accepted';
	},
};
