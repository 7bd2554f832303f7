import { toCardParamMap } from '../../../nodes/DingTalk/helpers/cardData';

describe('robot message templates', () => {
	it('writes card variables as strings', () => {
		expect(toCardParamMap({ a: 'x', b: 2, c: { d: true }, e: null })).toEqual({
			a: 'x',
			b: '2',
			c: '{"d":true}',
			e: '""',
		});
	});
});
