import { stripMention } from '../../../nodes/DingTalk/pipeline/events';
import { itStaysLinear, MB, STAYS_LINEAR } from '../support/linearTime';

describe(STAYS_LINEAR, () => {
	itStaysLinear([
		['message text: spaces between two letters', () => stripMention(`a${' '.repeat(MB)}b`)],
		['message text: U+3000 between two letters', () => stripMention(`a${'\u3000'.repeat(MB)}b`)],
		[
			'message text: mixed whitespace between two letters',
			() => stripMention(`a${' \t\n\u00a0\u3000\ufeff'.repeat(MB / 6)}b`),
		],
		['message text: @mentions', () => stripMention(`${'@Bo'.repeat(MB / 3)}t`, ['Bot'])],
	]);
});
