import {
	atLeast,
	atMost,
	exitCodeFor,
	judgeGoals,
	MISSED_GOAL_EXIT_CODE,
	reportWithGoals,
} from '../../../bench/goals';

describe('bench/goals: a benchmark that misses a goal exits non-zero', () => {
	it('judges each goal by its kind, the bound itself included', () => {
		expect(
			judgeGoals([
				atLeast('ratio', 0.95, 0.95),
				atLeast('ratio', 0.949, 0.95),
				atMost('ms', 300, 300),
				atMost('ms', 300.5, 300),
			]).goals.map((goal) => goal.met),
		).toEqual([true, false, true, false]);
	});

	it('meets nothing with a figure that is not a number, and passes no run without goals', () => {
		expect(judgeGoals([atMost('ms', Number.NaN, 300)]).goalsMet).toBe(false);
		expect(judgeGoals([atLeast('ratio', Number.POSITIVE_INFINITY, 1)]).goalsMet).toBe(false);
		expect(judgeGoals([])).toEqual({ goals: [], goalsMet: false });
	});

	it('exits 0 when every goal is met, and non-zero (not 1, a crash) when one is missed', () => {
		expect(exitCodeFor(judgeGoals([atLeast('a', 2, 1), atMost('b', 1, 2)]))).toBe(0);
		expect(exitCodeFor(judgeGoals([atLeast('a', 2, 1), atMost('b', 3, 2)]))).toBe(
			MISSED_GOAL_EXIT_CODE,
		);
		expect(MISSED_GOAL_EXIT_CODE).not.toBe(0);
		expect(MISSED_GOAL_EXIT_CODE).not.toBe(1);
	});

	describe('reportWithGoals', () => {
		const exitCode = process.exitCode;
		let printed: string[];
		let errors: string[];
		beforeEach(() => {
			printed = [];
			errors = [];
			jest.spyOn(console, 'log').mockImplementation((text: string) => printed.push(text));
			jest.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
		});
		afterEach(() => {
			jest.restoreAllMocks();
			process.exitCode = exitCode;
		});

		it('prints one JSON object with the figures and the judged goals, and sets the exit code', () => {
			reportWithGoals({ bench: 'x', ratio: 0.8 }, [atLeast('ratio', 0.8, 0.9)]);
			expect(printed).toHaveLength(1);
			expect(JSON.parse(printed[0])).toEqual({
				bench: 'x',
				ratio: 0.8,
				goals: [{ name: 'ratio', actual: 0.8, kind: 'atLeast', target: 0.9, met: false }],
				goalsMet: false,
			});
			expect(errors).toEqual(['Goal missed: ratio']);
			expect(process.exitCode).toBe(MISSED_GOAL_EXIT_CODE);
		});

		it('leaves the exit code at 0 when the goals are met', () => {
			reportWithGoals({ bench: 'x' }, [atMost('ms', 100, 300)]);
			expect(JSON.parse(printed[0])).toMatchObject({ goalsMet: true });
			expect(errors).toEqual([]);
			expect(process.exitCode).toBe(0);
		});
	});
});
