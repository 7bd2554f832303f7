/** What the DingTalk credential's values may look like as pasted, and what the client then uses. */
import { appConfigFromCredentials } from '../../../nodes/DingTalk/transport';

const base = { clientId: 'dingabc', clientSecret: 's3cret' };

describe('credential values as pasted', () => {
	it('trims blanks around pasted values, and reads a null Robot Code as unset', () => {
		expect(
			appConfigFromCredentials({
				clientId: ' dingabc\n',
				clientSecret: '\ts3cret ',
				// Stored credentials are JSON: a cleared field may come back as null, whatever the types say.
				robotCode: null as unknown as string,
			}),
		).toMatchObject({ clientId: 'dingabc', clientSecret: 's3cret', robotCode: 'dingabc' });
	});

	it('takes a Robot Code of its own', () => {
		expect(appConfigFromCredentials({ ...base, robotCode: 'dingrobot' }).robotCode).toBe(
			'dingrobot',
		);
	});

	it('refuses the message mode as a Robot Code in any letter case', () => {
		for (const robotCode of ['normal', 'Normal', ' NORMAL '])
			expect(() => appConfigFromCredentials({ ...base, robotCode })).toThrow(
				/message mode, not its code/,
			);
	});

	it('answers in Chinese only when the credential says zh-CN', () => {
		expect(appConfigFromCredentials({ ...base, language: 'zh-CN' }).language).toBe('zh-CN');
		expect(appConfigFromCredentials({ ...base, language: 'fr' }).language).toBe('en');
	});

	it('takes http and https base URLs with a host, without their trailing slashes', () => {
		expect(
			appConfigFromCredentials({
				...base,
				apiBaseUrl: 'HTTP://127.0.0.1:3000///',
				legacyApiBaseUrl: 'https://oapi.example.com/',
			}),
		).toMatchObject({
			apiBaseUrl: 'HTTP://127.0.0.1:3000',
			legacyApiBaseUrl: 'https://oapi.example.com',
		});
	});

	it.each([
		['https:///path', 'API Base URL'],
		['https:// api.dingtalk.com', 'API Base URL'],
		['see https://api.dingtalk.com', 'API Base URL'],
		['ftp://api.dingtalk.com', 'API Base URL'],
	])('refuses the base URL %j, naming the field', (apiBaseUrl, field) => {
		expect(() => appConfigFromCredentials({ ...base, apiBaseUrl })).toThrow(
			`${field} in the DingTalk credential must start with https:// (got "${apiBaseUrl}").`,
		);
	});

	it('names the Legacy API Base URL when that one is wrong', () => {
		expect(() =>
			appConfigFromCredentials({ ...base, legacyApiBaseUrl: 'oapi.dingtalk.com' }),
		).toThrow(
			'Legacy API Base URL in the DingTalk credential must start with https:// (got "oapi.dingtalk.com").',
		);
	});
});

describe('Card Update Rate as stored', () => {
	const rateOf = (cardUpdateRate: unknown) =>
		appConfigFromCredentials({ ...base, cardUpdateRate } as never);

	it.each([
		['absent', undefined],
		['null (a cleared field in stored JSON)', null],
		['empty', ''],
	])("leaves the rate to DingTalk's default when %s", (_name, cardUpdateRate) => {
		expect(rateOf(cardUpdateRate)).not.toHaveProperty('cardUpdateRate');
	});

	it('takes a rate above 0, as a number or as text', () => {
		expect(rateOf(20).cardUpdateRate).toBe(20);
		expect(rateOf(0.1).cardUpdateRate).toBe(0.1);
		expect(rateOf('4').cardUpdateRate).toBe(4);
	});

	it.each([
		[0, '0'],
		[-1, '-1'],
		['fast', 'fast'],
		[Number.POSITIVE_INFINITY, 'Infinity'],
		[Number.NaN, 'NaN'],
	])('refuses %j, saying what it got', (cardUpdateRate, shown) => {
		expect(() => rateOf(cardUpdateRate)).toThrow(
			`Card Update Rate (Per Second) in the DingTalk credential must be a number above 0 (got "${shown}").`,
		);
	});
});

describe('credential values that are no text', () => {
	it('reads a numeric Client ID as its digits', () => {
		expect(
			appConfigFromCredentials({ ...base, clientId: 12345 as unknown as string }),
		).toMatchObject({ clientId: '12345', robotCode: '12345' });
	});
});
