import { withoutTrailingSlashes } from '../../../nodes/shared/url';
import { appConfigFromCredentials } from '../../../nodes/DingTalk/transport';
import { baseUrlOf } from '../../../nodes/XpertAi/transport/xpertApi';
import { itStaysLinear, MB, STAYS_LINEAR } from '../support/linearTime';

describe('base URLs lose their trailing slashes', () => {
	it('drops every trailing slash and nothing else', () => {
		expect(withoutTrailingSlashes('https://api.dingtalk.com///')).toBe('https://api.dingtalk.com');
		expect(withoutTrailingSlashes('https://x.test/a//b/')).toBe('https://x.test/a//b');
		expect(withoutTrailingSlashes('///')).toBe('');
		expect(withoutTrailingSlashes('')).toBe('');
		expect(baseUrlOf({ baseUrl: ' https://xpert.test/api/ai// ' })).toBe(
			'https://xpert.test/api/ai',
		);
		expect(
			appConfigFromCredentials({
				clientId: 'dingabc',
				clientSecret: 's3cret',
				apiBaseUrl: 'https://api.test//',
			}).apiBaseUrl,
		).toBe('https://api.test');
	});
});

// An admin-typed URL: a long run of slashes that does not end the text made `/\/+$/` retry from every slash.
const slashes = `https://x.test${'/'.repeat(MB)}a`;
describe(STAYS_LINEAR, () => {
	itStaysLinear([
		[
			'withoutTrailingSlashes on 1 MB of slashes before a letter',
			() => withoutTrailingSlashes(slashes),
		],
		[
			'the DingTalk credential API Base URL',
			() =>
				appConfigFromCredentials({ clientId: 'dingabc', clientSecret: 's', apiBaseUrl: slashes }),
		],
		['the Xpert AI credential Base URL', () => baseUrlOf({ baseUrl: slashes })],
	]);
});
