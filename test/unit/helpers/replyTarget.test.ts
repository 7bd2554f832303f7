import {
	dingTalkWebhookUrl,
	replyTargetFromEvent,
	sessionWebhookUsable,
} from '../../../nodes/DingTalk/helpers/replyTarget';

describe('reply targets', () => {
	it('reads flat trigger items and raw robot payloads', () => {
		expect(
			replyTargetFromEvent({
				conversationType: 'group',
				conversationId: 'cid1',
				senderStaffId: 'u1',
			}),
		).toMatchObject({
			conversationType: 'group',
			conversationId: 'cid1',
		});
		expect(
			replyTargetFromEvent({
				raw: {
					conversationType: '1',
					senderStaffId: 'u9',
					sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=s',
					sessionWebhookExpiredTime: 5,
				},
			}),
		).toEqual({
			conversationType: 'direct',
			conversationId: undefined,
			senderStaffId: 'u9',
			sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=s',
			sessionWebhookExpiredTime: 5,
		});
		expect(replyTargetFromEvent({ text: 'no conversation' })).toMatch(/no conversationType/);
	});
	it('uses a session webhook only while it has time left', () => {
		const target = {
			conversationType: 'direct' as const,
			sessionWebhook: 'https://x',
			sessionWebhookExpiredTime: 100_000,
		};
		expect(sessionWebhookUsable(target, 0)).toBe(true);
		expect(sessionWebhookUsable(target, 95_000)).toBe(false);
		expect(sessionWebhookUsable({ ...target, sessionWebhook: undefined }, 0)).toBe(false);
	});
	it('only trusts the configured DingTalk hosts', () => {
		expect(
			dingTalkWebhookUrl('https://oapi.dingtalk.com/robot/sendBySession?session=1', [
				'https://oapi.dingtalk.com',
			])?.host,
		).toBe('oapi.dingtalk.com');
		expect(
			dingTalkWebhookUrl('https://evil.example/robot/sendBySession', ['https://oapi.dingtalk.com']),
		).toBeUndefined();
		expect(dingTalkWebhookUrl('not a url', ['https://oapi.dingtalk.com'])).toBeUndefined();
	});
});
