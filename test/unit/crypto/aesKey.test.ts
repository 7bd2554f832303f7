import { describeAesKeyProblem } from '../../../nodes/DingTalk/crypto/aesKey';

describe('credentials', () => {
	it('validates the callback AES key', () => {
		expect(describeAesKeyProblem('1234567890123456789012345678901234567890123')).toBeUndefined();
		expect(describeAesKeyProblem('123')).toMatch(/exactly 43 characters; this one has 3/);
		expect(describeAesKeyProblem('123456789012345678901234567890123456789012=')).toMatch(
			/only letters and digits/,
		);
		expect(describeAesKeyProblem('')).toMatch(/empty/);
	});
});

describe('callback AES key: where a bad character may hide, and what is forgiven', () => {
	const KEY = '1234567890123456789012345678901234567890123';
	it('finds a character other than a letter or digit at the start, the middle or the end', () => {
		for (const key of [
			`=${KEY.slice(1)}`,
			`${KEY.slice(0, 20)}+${KEY.slice(21)}`,
			`${KEY.slice(0, -1)}/`,
		])
			expect([key, describeAesKeyProblem(key)]).toEqual([
				key,
				'Callback AES Key may contain only letters and digits.',
			]);
	});
	it('forgives blanks around a pasted key, and reads a missing key as empty', () => {
		expect(describeAesKeyProblem(` ${KEY}\n`)).toBeUndefined();
		expect(describeAesKeyProblem(undefined)).toMatch(/^Callback AES Key is empty\./);
		expect(describeAesKeyProblem('   ')).toMatch(/^Callback AES Key is empty\./);
	});
	it('counts one character too many or too few', () => {
		expect(describeAesKeyProblem(`${KEY}4`)).toMatch(/exactly 43 characters; this one has 44/);
		expect(describeAesKeyProblem(KEY.slice(1))).toMatch(/exactly 43 characters; this one has 42/);
	});
});
