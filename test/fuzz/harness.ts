import { inputSeed, Rng } from './prng';

/** What one input did: accepted (an item, a callback, events) or refused (a documented refusal). */
export type Outcome = 'accepted' | 'refused';

/** A broken promise of the code under test; `input` is a short reproduction. */
export class OracleViolation extends Error {
	constructor(
		message: string,
		readonly input: unknown,
	) {
		super(message);
		this.name = 'OracleViolation';
	}
}

export interface FuzzTarget {
	name: string;
	/**
	 * The least share of its inputs the code under test must accept (0 < share ≤ 1), stated with the generator: a
	 * generator whose inputs are all refused would test the refusals only, and code that refuses everything would
	 * pass. A run of MIN_INPUTS_FOR_SHARE inputs or more that accepts less is a violation.
	 */
	minAcceptedShare: number;
	/** Generates one input from `rng`, runs it through the code under test, checks the oracle (throws OracleViolation). */
	run(rng: Rng): Outcome | Promise<Outcome>;
}

export interface Violation {
	target: string;
	/** Regenerates the input: `FUZZ_TARGET=<target> FUZZ_SEED=<seed> FUZZ_INPUTS=1 npm run fuzz`. */
	seed: number;
	index: number;
	message: string;
	input: string;
}

/** Below this many inputs a share says little (a reproduction runs one input). */
export const MIN_INPUTS_FOR_SHARE = 100;

export interface TargetReport {
	target: string;
	inputs: number;
	accepted: number;
	refused: number;
	maxInputMs: number;
	heapGrowthMB: number;
	violations: number;
	firstViolations: Violation[];
}

export interface RunOptions {
	inputs: number;
	seed: number;
	/** Run only this input seed (a reproduction); `inputs` is then ignored. */
	onlySeed?: number;
	/** Stop after this many violations (the first ones are the reproductions). */
	maxViolations?: number;
	/** An input slower than this is a violation (the full run only: unit tests never judge by wall time). */
	maxInputMs?: number;
	/** Heap growth over the run beyond this is a violation (the full run only). */
	maxHeapGrowthMB?: number;
}

/** Short text of an input for a report: long strings cut, so a reproduction stays readable. */
export function describeInput(input: unknown): string {
	let text: string;
	try {
		text = typeof input === 'string' ? input : JSON.stringify(input);
	} catch (error) {
		text = `(not serialisable: ${(error as Error).message}) ${Object.prototype.toString.call(input)}`;
	}
	return text === undefined
		? 'undefined'
		: text.length > 600
			? `${text.slice(0, 600)}… (${text.length} chars)`
			: text;
}

function heapMB(): number {
	(globalThis as { gc?: () => void }).gc?.();
	return process.memoryUsage().heapUsed / (1024 * 1024);
}

export async function runTarget(target: FuzzTarget, options: RunOptions): Promise<TargetReport> {
	const report: TargetReport = {
		target: target.name,
		inputs: 0,
		accepted: 0,
		refused: 0,
		maxInputMs: 0,
		heapGrowthMB: 0,
		violations: 0,
		firstViolations: [],
	};
	const maxViolations = options.maxViolations ?? 5;
	const heapBefore = heapMB();
	const seeds =
		options.onlySeed !== undefined
			? [options.onlySeed]
			: Array.from({ length: options.inputs }, (_, i) => inputSeed(options.seed, i));
	for (let index = 0; index < seeds.length; index++) {
		const seed = seeds[index];
		const started = performance.now();
		let violation: { message: string; input: unknown } | undefined;
		try {
			const outcome = await target.run(new Rng(seed));
			report[outcome]++;
		} catch (error) {
			violation =
				error instanceof OracleViolation
					? { message: error.message, input: error.input }
					: {
							message: `threw ${(error as Error)?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)}`,
							input: '(see the target for the input of this seed)',
						};
		}
		const ms = performance.now() - started;
		report.inputs++;
		report.maxInputMs = Math.max(report.maxInputMs, Math.round(ms * 100) / 100);
		if (!violation && options.maxInputMs !== undefined && ms > options.maxInputMs)
			violation = {
				message: `input took ${Math.round(ms)} ms (limit ${options.maxInputMs})`,
				input: '',
			};
		if (violation) {
			report.violations++;
			if (report.firstViolations.length < Math.min(maxViolations, 100000))
				report.firstViolations.push({
					target: target.name,
					seed,
					index,
					message: violation.message,
					input: describeInput(violation.input),
				});
			if (report.violations >= maxViolations) break;
		}
	}
	if (
		options.onlySeed === undefined &&
		report.inputs >= MIN_INPUTS_FOR_SHARE &&
		report.accepted < target.minAcceptedShare * report.inputs
	) {
		report.violations++;
		report.firstViolations.push({
			target: target.name,
			seed: options.seed,
			index: -1,
			message: `accepted ${report.accepted} of ${report.inputs} inputs, less than the stated share ${target.minAcceptedShare}`,
			input: '',
		});
	}
	report.heapGrowthMB = Math.round((heapMB() - heapBefore) * 10) / 10;
	if (options.maxHeapGrowthMB !== undefined && report.heapGrowthMB > options.maxHeapGrowthMB) {
		report.violations++;
		report.firstViolations.push({
			target: target.name,
			seed: options.seed,
			index: -1,
			message: `heap grew ${report.heapGrowthMB} MB (limit ${options.maxHeapGrowthMB})`,
			input: '',
		});
	}
	return report;
}

/** Runs code under test; a throw becomes a violation carrying the input that caused it. */
export function mustNotThrow<T>(input: unknown, what: string, fn: () => T): T {
	try {
		return fn();
	} catch (error) {
		throw new OracleViolation(
			`${what} threw ${(error as Error)?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)}`,
			input,
		);
	}
}

export async function mustNotReject<T>(
	input: unknown,
	what: string,
	fn: () => Promise<T>,
): Promise<T> {
	try {
		return await fn();
	} catch (error) {
		throw new OracleViolation(
			`${what} rejected with ${(error as Error)?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)}`,
			input,
		);
	}
}

export function check(condition: boolean, message: string, input: unknown): void {
	if (!condition) throw new OracleViolation(message, input);
}
