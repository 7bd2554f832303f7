/**
 * A benchmark's goals, judged in the run that measured them: the printed JSON carries each goal with its figure and
 * whether it was met, and a missed goal makes the run exit non-zero (MISSED_GOAL_EXIT_CODE; 1 stays for a crash).
 * Benchmarks stay out of `npm test`; `npm run bench` stops at the first one that misses.
 */

export const MISSED_GOAL_EXIT_CODE = 2;

export interface Goal {
	/** What is judged, named as in the benchmark's JSON. */
	name: string;
	actual: number;
	/** atLeast: the figure must be ≥ the target; atMost: ≤ the target. */
	kind: 'atLeast' | 'atMost';
	target: number;
}

export interface JudgedGoal extends Goal {
	met: boolean;
}

export const atLeast = (name: string, actual: number, target: number): Goal => ({
	name,
	actual,
	kind: 'atLeast',
	target,
});

export const atMost = (name: string, actual: number, target: number): Goal => ({
	name,
	actual,
	kind: 'atMost',
	target,
});

/** Each goal with whether its figure meets it; a figure that is not a finite number meets nothing. */
export function judgeGoals(goals: Goal[]): { goals: JudgedGoal[]; goalsMet: boolean } {
	const judged = goals.map((goal) => ({
		...goal,
		met:
			Number.isFinite(goal.actual) &&
			(goal.kind === 'atLeast' ? goal.actual >= goal.target : goal.actual <= goal.target),
	}));
	// No goal at all is a mistake in the benchmark, not a pass.
	return { goals: judged, goalsMet: judged.length > 0 && judged.every((goal) => goal.met) };
}

/** The exit code for a run whose goals were judged so. */
export function exitCodeFor(judged: { goalsMet: boolean }): number {
	return judged.goalsMet ? 0 : MISSED_GOAL_EXIT_CODE;
}

/**
 * Prints the benchmark's result (one JSON object) with its judged goals, and sets the process's exit code: the run
 * still ends its own way (closing servers, child processes), with `process.exit()` taking this code.
 */
export function reportWithGoals(result: object, goals: Goal[]): void {
	const judged = judgeGoals(goals);
	console.log(JSON.stringify({ ...result, ...judged }, null, 2));
	if (!judged.goalsMet) {
		const missed = judged.goals.filter((goal) => !goal.met).map((goal) => goal.name);
		console.error(`Goal missed: ${missed.join(', ')}`);
	}
	process.exitCode = exitCodeFor(judged);
}
