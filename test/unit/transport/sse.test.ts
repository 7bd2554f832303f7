import { SseParser } from '../../../nodes/XpertAi/transport/sse';
import { itStaysLinear, MB, STAYS_LINEAR } from '../support/linearTime';

describe(STAYS_LINEAR, () => {
	itStaysLinear([
		[
			'Xpert SSE stream: carriage returns without line feeds',
			() => new SseParser().push('\r'.repeat(MB)),
		],
	]);
});
