import type { DingTalkLanguage } from '../transport/types';

/** Texts the package itself writes into DingTalk, in the credential's Preferred Language. */
const TEXTS = {
	defaultButtonTitle: { en: 'View Details', 'zh-CN': '查看详情' },
	defaultMessageTitle: { en: 'New message', 'zh-CN': '新消息' },
} satisfies Record<string, Record<DingTalkLanguage, string>>;

export type TextKey = keyof typeof TEXTS;

export function t(language: DingTalkLanguage, key: TextKey): string {
	return TEXTS[key][language] ?? TEXTS[key].en;
}
