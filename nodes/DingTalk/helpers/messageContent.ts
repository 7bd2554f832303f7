import { type IDataObject, type IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import type { DingTalkLanguage } from '../transport/types';
import { t } from './i18n';

interface Button {
	title: string;
	url: string;
}

/** A robot message as the user described it, independent of whether it goes by session webhook or OpenAPI. */
export type MessageContent =
	| { type: 'text'; text: string }
	| { type: 'markdown'; title: string; markdown: string }
	| {
			type: 'actionCard';
			title: string;
			markdown: string;
			buttons: Button[];
			layout: 'vertical' | 'horizontal';
	  }
	| { type: 'link'; title: string; text: string; url: string; pictureUrl: string }
	| { type: 'image'; photoUrl: string }
	| { type: 'file'; mediaId: string; fileName: string; fileType: string }
	| { type: 'voice'; mediaId: string; durationSeconds: number }
	| { type: 'video'; videoMediaId: string; coverMediaId: string; durationSeconds: number }
	| { type: 'template'; msgKey: string; msgParam: IDataObject };

/** DingTalk's limit on a group message's msgParam. */
export const MAX_MSG_PARAM_BYTES = 15_000;

export function readMessageContent(
	this: IExecuteFunctions,
	i: number,
	language: DingTalkLanguage,
): MessageContent {
	const type = this.getNodeParameter('messageType', i) as MessageContent['type'];
	const param = (name: string) => String(this.getNodeParameter(name, i, '') ?? '');
	const title = () => param('title').trim() || t(language, 'defaultMessageTitle');
	switch (type) {
		case 'text':
			return { type, text: required.call(this, i, param('text'), 'Text') };
		case 'markdown':
			return {
				type,
				title: title(),
				markdown: required.call(this, i, param('markdown'), 'Markdown'),
			};
		case 'actionCard': {
			const raw = (this.getNodeParameter('buttons.button', i, []) as Button[]) ?? [];
			const buttons = raw.map((b) => ({
				title: String(b.title ?? '').trim(),
				url: String(b.url ?? '').trim(),
			}));
			if (buttons.length === 0 || buttons.length > 5) {
				throw new NodeOperationError(this.getNode(), 'An ActionCard needs one to five buttons', {
					itemIndex: i,
					description: `Add buttons under "Buttons" (now ${buttons.length}).`,
				});
			}
			const layout = this.getNodeParameter('buttonLayout', i, 'vertical') as
				| 'vertical'
				| 'horizontal';
			if (layout === 'horizontal' && buttons.length !== 2) {
				throw new NodeOperationError(
					this.getNode(),
					'The horizontal button layout takes exactly two buttons',
					{
						itemIndex: i,
					},
				);
			}
			buttons.forEach((button, index) => {
				if (!button.url)
					throw new NodeOperationError(this.getNode(), `Button ${index + 1} has no URL`, {
						itemIndex: i,
					});
				if (!button.title) {
					if (buttons.length > 1) {
						throw new NodeOperationError(this.getNode(), `Button ${index + 1} has no title`, {
							itemIndex: i,
						});
					}
					button.title = t(language, 'defaultButtonTitle');
				}
			});
			return {
				type,
				title: title(),
				markdown: required.call(this, i, param('markdown'), 'Markdown'),
				buttons,
				layout,
			};
		}
		case 'link':
			return {
				type,
				title: title(),
				text: required.call(this, i, param('linkText'), 'Link Text'),
				url: required.call(this, i, param('linkUrl'), 'Link URL'),
				pictureUrl: param('pictureUrl'),
			};
		case 'image':
			return { type, photoUrl: required.call(this, i, param('photoUrl'), 'Image URL or Media ID') };
		case 'file':
			return {
				type,
				mediaId: required.call(this, i, param('mediaId'), 'Media ID'),
				fileName: required.call(this, i, param('fileName'), 'File Name'),
				fileType: param('fileType') || 'pdf',
			};
		case 'voice':
			return {
				type,
				mediaId: required.call(this, i, param('mediaId'), 'Media ID'),
				durationSeconds: readDurationSeconds.call(this, i),
			};
		case 'video':
			return {
				type,
				videoMediaId: required.call(this, i, param('mediaId'), 'Media ID'),
				coverMediaId: required.call(this, i, param('coverMediaId'), 'Cover Picture Media ID'),
				durationSeconds: readDurationSeconds.call(this, i),
			};
		case 'template': {
			const msgKey = required.call(this, i, param('msgKey'), 'Msg Key');
			return { type, msgKey, msgParam: readJsonObject.call(this, i, 'msgParam', 'Msg Param') };
		}
		default:
			throw new NodeOperationError(this.getNode(), `Unknown message type "${type as string}"`, {
				itemIndex: i,
			});
	}
}

/** The msgKey/msgParam pair of DingTalk's robot OpenAPI (batchSend, groupMessages/send); msgParam is JSON text. */
export function toRobotTemplate(content: MessageContent): { msgKey: string; msgParam: string } {
	switch (content.type) {
		case 'text':
			return robotTemplate('sampleText', { content: content.text });
		case 'markdown':
			return robotTemplate('sampleMarkdown', { title: content.title, text: content.markdown });
		case 'actionCard':
			return actionCardTemplate(content);
		case 'link':
			return robotTemplate('sampleLink', {
				title: content.title,
				text: content.text,
				messageUrl: content.url,
				picUrl: content.pictureUrl,
			});
		case 'image':
			return robotTemplate('sampleImageMsg', { photoURL: content.photoUrl });
		case 'file':
			return robotTemplate('sampleFile', {
				mediaId: content.mediaId,
				fileName: content.fileName,
				fileType: content.fileType,
			});
		case 'voice':
			// sampleAudio takes the duration in milliseconds, sampleVideo in seconds (dingtalk-protocol.md §4.5).
			return robotTemplate('sampleAudio', {
				mediaId: content.mediaId,
				duration: String(Math.round(content.durationSeconds * 1000)),
			});
		case 'video':
			return robotTemplate('sampleVideo', {
				duration: String(Math.round(content.durationSeconds)),
				videoMediaId: content.videoMediaId,
				videoType: 'mp4',
				picMediaId: content.coverMediaId,
			});
		case 'template':
			return robotTemplate(content.msgKey, content.msgParam);
	}
}

function robotTemplate(templateName: string, param: IDataObject) {
	return { msgKey: templateName, msgParam: JSON.stringify(param) };
}

/** One button: sampleActionCard; 2-5 vertical: sampleActionCardN; two side by side: sampleActionCard6. */
function actionCardTemplate(content: Extract<MessageContent, { type: 'actionCard' }>) {
	const { title, markdown: text, buttons } = content;
	if (buttons.length === 1) {
		return robotTemplate('sampleActionCard', {
			title,
			text,
			singleTitle: buttons[0].title,
			singleURL: buttons[0].url,
		});
	}
	const param: IDataObject = { title, text };
	if (content.layout === 'horizontal') {
		buttons.forEach((b, i) =>
			Object.assign(param, { [`buttonTitle${i + 1}`]: b.title, [`buttonUrl${i + 1}`]: b.url }),
		);
		return robotTemplate('sampleActionCard6', param);
	}
	buttons.forEach((b, i) =>
		Object.assign(param, { [`actionTitle${i + 1}`]: b.title, [`actionURL${i + 1}`]: b.url }),
	);
	return robotTemplate(`sampleActionCard${buttons.length}`, param);
}

export interface Mentions {
	userIds: string[];
	all: boolean;
}

/**
 * The body of a session-webhook reply. DingTalk renders an @mention only when "@userId" also appears in the
 * text, so missing ones are appended.
 */
export function toWebhookBody(content: MessageContent, mentions: Mentions): IDataObject {
	const at = { atUserIds: mentions.userIds, isAtAll: mentions.all };
	const withMentions = (text: string) => {
		const missing = mentions.userIds.filter((id) => !text.includes(`@${id}`)).map((id) => `@${id}`);
		if (mentions.all && !text.includes('@all')) missing.push('@all');
		return missing.length ? `${text} ${missing.join(' ')}` : text;
	};
	switch (content.type) {
		case 'text':
			return { msgtype: 'text', text: { content: withMentions(content.text) }, at };
		case 'markdown':
			return {
				msgtype: 'markdown',
				markdown: { title: content.title, text: withMentions(content.markdown) },
				at,
			};
		case 'actionCard': {
			const { title, markdown: text, buttons } = content;
			const actionCard: IDataObject =
				buttons.length === 1
					? { title, text, singleTitle: buttons[0].title, singleURL: buttons[0].url }
					: {
							title,
							text,
							btnOrientation: content.layout === 'horizontal' ? '1' : '0',
							btns: buttons.map((b) => ({ title: b.title, actionURL: b.url })),
						};
			return { msgtype: 'actionCard', actionCard };
		}
		case 'link':
			return {
				msgtype: 'link',
				link: {
					title: content.title,
					text: content.text,
					messageUrl: content.url,
					picUrl: content.pictureUrl,
				},
			};
		default:
			throw new Error(`A ${content.type} message cannot be sent through a session webhook`);
	}
}

/** Message types only the robot OpenAPI carries (a session webhook has no picture, file, voice or video message). */
export function sessionWebhookCarries(content: MessageContent): boolean {
	return ['text', 'markdown', 'actionCard', 'link'].includes(content.type);
}

/** The "Duration (Seconds)" a voice or video message shows; DingTalk needs one above zero. */
export function readDurationSeconds(this: IExecuteFunctions, i: number): number {
	const seconds = Number(this.getNodeParameter('durationSeconds', i, 0));
	if (!Number.isFinite(seconds) || seconds <= 0) {
		throw new NodeOperationError(this.getNode(), '"Duration (Seconds)" must be above zero', {
			itemIndex: i,
			description: 'DingTalk shows it on the message; enter the length of the recording.',
		});
	}
	return seconds;
}

function required(this: IExecuteFunctions, i: number, value: string, field: string): string {
	if (!value.trim())
		throw new NodeOperationError(this.getNode(), `"${field}" is empty`, { itemIndex: i });
	return value;
}

/** Reads a JSON parameter that may arrive as an object (expression) or a string, and insists on an object. */
export function readJsonObject(
	this: IExecuteFunctions,
	i: number,
	name: string,
	label: string,
): IDataObject {
	const value = this.getNodeParameter(name, i, {}) as unknown;
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = value.trim() ? JSON.parse(value) : {};
		} catch (error) {
			throw new NodeOperationError(this.getNode(), `"${label}" is not valid JSON`, {
				itemIndex: i,
				description: (error as Error).message,
			});
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new NodeOperationError(this.getNode(), `"${label}" must be a JSON object`, {
			itemIndex: i,
		});
	}
	return parsed as IDataObject;
}
