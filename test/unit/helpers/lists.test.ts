import { chunk, parseIdList } from '../../../nodes/DingTalk/helpers/lists';
import { itStaysLinear, MB, STAYS_LINEAR } from '../support/linearTime';

describe('parseIdList and chunk', () => {
	it('splits on commas, semicolons, spaces and new lines (ASCII and full-width), trims and de-duplicates', () => {
		expect(parseIdList(' a, b;c\nd  a，e；f ')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
		expect(parseIdList(['x', 'y, z', 'x'])).toEqual(['x', 'y', 'z']);
		expect(parseIdList(undefined)).toEqual([]);
	});
	it('chunks to the given size', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
		expect(
			chunk(
				Array.from({ length: 1000 }, (_, i) => i),
				20,
			),
		).toHaveLength(50);
	});
});

describe(STAYS_LINEAR, () => {
	itStaysLinear([
		['ID lists: separators between two IDs', () => parseIdList(`a${' ,;，；\n'.repeat(MB / 6)}b`)],
		['ID lists: 64 K IDs of 15 characters', () => parseIdList('abcdefghijklmno,'.repeat(MB / 16))],
	]);
});
