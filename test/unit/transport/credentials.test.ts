import { appConfigFromCredentials } from '../../../nodes/DingTalk/transport';

describe('credentials', () => {
	const base = { clientId: 'dingabc', clientSecret: 's3cret' };
	it('defaults Robot Code to the Client ID and the base URLs to DingTalk', () => {
		expect(appConfigFromCredentials(base)).toEqual({
			clientId: 'dingabc',
			clientSecret: 's3cret',
			robotCode: 'dingabc',
			language: 'en',
			apiBaseUrl: 'https://api.dingtalk.com',
			legacyApiBaseUrl: 'https://oapi.dingtalk.com',
		});
	});
	it('says which field to fix', () => {
		expect(() => appConfigFromCredentials({ clientSecret: 'x' })).toThrow(/no Client ID/);
		expect(() => appConfigFromCredentials({ clientId: 'x' })).toThrow(/no Client Secret/);
		expect(() => appConfigFromCredentials({ ...base, robotCode: 'normal' })).toThrow(
			/message mode, not its code/,
		);
		expect(() => appConfigFromCredentials({ ...base, apiBaseUrl: 'api.dingtalk.com' })).toThrow(
			/API Base URL .* must start with https/,
		);
	});
});
