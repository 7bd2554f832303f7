import { t } from '../../../nodes/DingTalk/helpers/i18n';

describe('robot message templates', () => {
	it('speaks the Preferred Language', () => {
		expect(t('zh-CN', 'defaultButtonTitle')).toBe('查看详情');
		expect(t('en', 'defaultButtonTitle')).toBe('View Details');
	});
});
