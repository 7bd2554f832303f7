import type { DingTalkLanguage } from '../transport/types';

/** Texts the package itself writes into DingTalk, in the credential's Preferred Language. */
const TEXTS = {
	defaultButtonTitle: { en: 'View Details', 'zh-CN': '查看详情' },
	defaultMessageTitle: { en: 'New message', 'zh-CN': '新消息' },
	sessionEnded: {
		en: 'Session ended. Your next message starts a new conversation.',
		'zh-CN': '会话已结束，下一条消息将开始新的对话。',
	},
} satisfies Record<string, Record<DingTalkLanguage, string>>;

export type TextKey = keyof typeof TEXTS;

export function t(language: DingTalkLanguage, key: TextKey): string {
	return TEXTS[key][language] ?? TEXTS[key].en;
}
