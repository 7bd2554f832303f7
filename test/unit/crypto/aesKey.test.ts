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
