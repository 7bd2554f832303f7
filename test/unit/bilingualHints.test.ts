import type { INodeProperties } from 'n8n-workflow';

import { DingTalkHttpApi } from '../../credentials/DingTalkHttpApi.credentials';
import { DingTalkStreamApi } from '../../credentials/DingTalkStreamApi.credentials';
import { XpertAiApi } from '../../credentials/XpertAiApi.credentials';
import { DingTalkTrigger } from '../../nodes/DingTalk/DingTalkTrigger.node';

/**
 * n8n 2.41.1 shows no translation of a community package's credentials or nodes (README, "中文 / Chinese"), so the
 * texts that guide the DingTalk set-up say it in English, then in Chinese: every notice, description and hint of the
 * three credentials, and the trigger's notices.
 */
const HAN = /[\u3400-\u9fff]/;

function guidingTexts(properties: INodeProperties[], include: 'all' | 'notices') {
	return properties.flatMap((property) => {
		const texts: Array<[string, string]> = [];
		if (property.type === 'notice') texts.push([`${property.name} (notice)`, property.displayName]);
		if (include === 'all') {
			if (property.description) texts.push([`${property.name}.description`, property.description]);
			if (property.hint) texts.push([`${property.name}.hint`, property.hint]);
		}
		return texts;
	});
}

/** English first (letters before the first Chinese character), then Chinese. */
function isEnglishThenChinese(text: string): boolean {
	const firstHan = text.search(HAN);
	if (firstHan === -1) return false;
	const english = text.slice(0, firstHan);
	return (english.match(/[A-Za-z]+/g) ?? []).length >= 3;
}

describe('set-up texts n8n cannot translate are English, then Chinese', () => {
	const cases: Array<[string, INodeProperties[], 'all' | 'notices']> = [
		['DingTalk Stream API credential', new DingTalkStreamApi().properties, 'all'],
		['DingTalk HTTP API credential', new DingTalkHttpApi().properties, 'all'],
		['Xpert AI API credential', new XpertAiApi().properties, 'all'],
		['DingTalk Trigger', new DingTalkTrigger().description.properties, 'notices'],
	];

	it.each(cases)('%s', (_name, properties, include) => {
		const texts = guidingTexts(properties, include);
		expect(texts.length).toBeGreaterThan(0);
		const notBilingual = texts
			.filter(([, text]) => !isEnglishThenChinese(text))
			.map(([where]) => where);
		expect(notBilingual).toEqual([]);
	});

	it('tells a text with only English, or Chinese first, from a bilingual one', () => {
		expect(isEnglishThenChinese('Same page as the Client ID: Client Secret (AppSecret)')).toBe(
			false,
		);
		expect(isEnglishThenChinese('与 Client ID 同一页面')).toBe(false);
		expect(isEnglishThenChinese('Same page as the Client ID. 与 Client ID 同一页面。')).toBe(true);
	});
});
