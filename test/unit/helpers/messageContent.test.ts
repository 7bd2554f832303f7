import {
	type MessageContent,
	toRobotTemplate,
	toWebhookBody,
} from '../../../nodes/DingTalk/helpers/messageContent';

describe('robot message templates', () => {
	const card = (n: number, layout: 'vertical' | 'horizontal' = 'vertical'): MessageContent => ({
		type: 'actionCard',
		title: 'T',
		markdown: 'M',
		layout,
		buttons: Array.from({ length: n }, (_, i) => ({
			title: `B${i + 1}`,
			url: `https://x/${i + 1}`,
		})),
	});
	it('maps each message type to DingTalk msgKey and a JSON-string msgParam', () => {
		expect(toRobotTemplate({ type: 'text', text: 'hi' })).toEqual({
			msgKey: 'sampleText',
			msgParam: '{"content":"hi"}',
		});
		expect(toRobotTemplate({ type: 'markdown', title: 'T', markdown: '# x' })).toEqual({
			msgKey: 'sampleMarkdown',
			msgParam: '{"title":"T","text":"# x"}',
		});
		expect(JSON.parse(toRobotTemplate(card(1)).msgParam)).toEqual({
			title: 'T',
			text: 'M',
			singleTitle: 'B1',
			singleURL: 'https://x/1',
		});
		expect(toRobotTemplate(card(1)).msgKey).toBe('sampleActionCard');
		expect(toRobotTemplate(card(3)).msgKey).toBe('sampleActionCard3');
		expect(JSON.parse(toRobotTemplate(card(5)).msgParam)).toMatchObject({
			actionTitle5: 'B5',
			actionURL5: 'https://x/5',
		});
		const horizontal = toRobotTemplate(card(2, 'horizontal'));
		expect(horizontal.msgKey).toBe('sampleActionCard6');
		expect(JSON.parse(horizontal.msgParam)).toMatchObject({
			buttonTitle2: 'B2',
			buttonUrl2: 'https://x/2',
		});
		expect(toRobotTemplate({ type: 'image', photoUrl: '@m' })).toEqual({
			msgKey: 'sampleImageMsg',
			msgParam: '{"photoURL":"@m"}',
		});
		expect(
			toRobotTemplate({ type: 'file', mediaId: '@f', fileName: 'a.pdf', fileType: 'pdf' }).msgKey,
		).toBe('sampleFile');
		expect(
			toRobotTemplate({
				type: 'template',
				msgKey: 'sampleAudio',
				msgParam: { mediaId: '@a', duration: '1000' },
			}),
		).toEqual({
			msgKey: 'sampleAudio',
			msgParam: '{"mediaId":"@a","duration":"1000"}',
		});
	});
	it('builds session-webhook bodies, appending @mentions DingTalk needs in the text', () => {
		expect(
			toWebhookBody({ type: 'text', text: 'hello @u1' }, { userIds: ['u1', 'u2'], all: false }),
		).toEqual({
			msgtype: 'text',
			text: { content: 'hello @u1 @u2' },
			at: { atUserIds: ['u1', 'u2'], isAtAll: false },
		});
		expect(
			toWebhookBody({ type: 'markdown', title: 'T', markdown: 'x' }, { userIds: [], all: true }),
		).toMatchObject({
			markdown: { title: 'T', text: 'x @all' },
			at: { isAtAll: true },
		});
		expect(toWebhookBody(card(2), { userIds: [], all: false })).toEqual({
			msgtype: 'actionCard',
			actionCard: {
				title: 'T',
				text: 'M',
				btnOrientation: '0',
				btns: [
					{ title: 'B1', actionURL: 'https://x/1' },
					{ title: 'B2', actionURL: 'https://x/2' },
				],
			},
		});
		expect(() =>
			toWebhookBody({ type: 'image', photoUrl: 'x' }, { userIds: [], all: false }),
		).toThrow(/cannot be sent through a session webhook/);
	});
});
