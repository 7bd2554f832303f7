import { type FormField, fieldName, MAX_VALUE_LENGTH, type Refusal } from './responseForm';

/**
 * The pages a Send and Wait link opens: the response form (Free Text, Custom Form), "thanks", and the refusals.
 * Our own small HTML rather than n8n's `form-trigger` view: that view's data shape is internal to n8n-nodes-base
 * (prepareFormData, not a public API) and a community node cannot import it, so it could change under us. Every
 * value is escaped; the page loads nothing, runs no script and may only post to itself (PAGE_HEADERS).
 */

/** Sent with every page: no script, no external asset, posts only to itself, never framed, never cached. */
export const PAGE_HEADERS: Record<string, string> = {
	'Content-Type': 'text/html; charset=utf-8',
	'Content-Security-Policy':
		"default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	'X-Content-Type-Options': 'nosniff',
	'X-Frame-Options': 'DENY',
	// The link carries its signature: it must not leak to another site in a Referer.
	'Referrer-Policy': 'no-referrer',
	'Cache-Control': 'no-store',
};

export interface FormPage {
	title: string;
	description: string;
	buttonLabel: string;
	fields: FormField[];
}

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Text with its line breaks kept; n8n's messages write them as "\n" or <br>. */
function paragraphs(text: string): string {
	return escapeHtml(text.replace(/\\n/g, '\n').replace(/<br\s*\/?>/gi, '\n')).replace(
		/\n/g,
		'<br>',
	);
}

const STYLE = `body{font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f7;margin:0;padding:24px 16px;color:#1f2329}
main{max-width:480px;margin:0 auto;background:#fff;border-radius:8px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 12px}p{line-height:1.5;margin:0 0 16px;color:#51565d}
label{display:block;font-weight:600;margin:16px 0 6px}input,select,textarea{box-sizing:border-box;width:100%;padding:10px;border:1px solid #d0d3d6;border-radius:6px;font:inherit}
textarea{min-height:120px}button{margin-top:20px;width:100%;padding:12px;border:0;border-radius:6px;background:#3370ff;color:#fff;font:inherit;font-weight:600}`;

function page(title: string, body: string, language: PageLanguage): string {
	return `<!DOCTYPE html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function input(field: FormField, index: number): string {
	const name = fieldName(index);
	const required = field.required ? ' required' : '';
	const placeholder = field.placeholder ? ` placeholder="${escapeHtml(field.placeholder)}"` : '';
	const label = `<label for="${name}">${escapeHtml(field.label)}${field.required ? ' *' : ''}</label>`;
	switch (field.type) {
		case 'textarea':
			return `${label}<textarea id="${name}" name="${name}" maxlength="${MAX_VALUE_LENGTH}"${placeholder}${required}></textarea>`;
		case 'dropdown': {
			const choices = field.options
				.map((option) => `<option value="${escapeHtml(option)}">${escapeHtml(option)}</option>`)
				.join('');
			return `${label}<select id="${name}" name="${name}"${required}><option value=""></option>${choices}</select>`;
		}
		default: {
			// A number as text the server checks: type="number" would let the browser drop what it cannot parse.
			const type =
				field.type === 'number' ? 'type="text" inputmode="decimal"' : `type="${field.type}"`;
			return `${label}<input id="${name}" name="${name}" ${type} maxlength="${MAX_VALUE_LENGTH}"${placeholder}${required}>`;
		}
	}
}

/** The response form; it posts (multipart, as n8n expects a Send and Wait form) back to its own signed URL. */
export function renderFormPage(form: FormPage, language: PageLanguage = 'en'): string {
	const heading = form.title ? `<h1>${escapeHtml(form.title)}</h1>` : '';
	const description = form.description ? `<p>${paragraphs(form.description)}</p>` : '';
	const fields = form.fields.map(input).join('');
	return page(
		form.title || form.buttonLabel,
		`${heading}${description}<form method="post" enctype="multipart/form-data">${fields}<button type="submit">${escapeHtml(form.buttonLabel)}</button></form>`,
		language,
	);
}

/** The page's own texts, in the language the person's browser asks for (DingTalk's sends its UI language). */
export type PageLanguage = 'en' | 'zh-CN';

/** Chinese when the browser's first Accept-Language tag is Chinese; English otherwise. */
export function pageLanguage(acceptLanguage: unknown): PageLanguage {
	const header = typeof acceptLanguage === 'string' ? acceptLanguage : '';
	return header.trimStart().slice(0, 2).toLowerCase() === 'zh' ? 'zh-CN' : 'en';
}

const TEXTS = {
	thanksTitle: { en: 'Got it, thanks', 'zh-CN': '已收到，谢谢' },
	thanks: {
		en: 'Your response has been recorded. This page can be closed now.',
		'zh-CN': '你的回复已记录，现在可以关闭此页面。',
	},
	refusedTitle: { en: 'Response not accepted', 'zh-CN': '回复未被接受' },
	invalid: {
		en: 'This response could not be accepted. Go back, check the fields and send it again.',
		'zh-CN': '此回复无法接受。请返回检查各字段后重新提交。',
	},
	tooLarge: { en: 'This response is too large to be accepted.', 'zh-CN': '此回复过大，无法接受。' },
	unsupported: {
		en: 'This response was not sent by the response form.',
		'zh-CN': '此回复不是通过回复表单提交的。',
	},
	unavailable: {
		en: 'This form cannot be shown. Ask the sender of the message.',
		'zh-CN': '无法显示此表单，请联系消息的发送者。',
	},
} satisfies Record<string, Record<PageLanguage, string>>;

/** After an answer was recorded. */
export function renderThanksPage(language: PageLanguage = 'en'): string {
	const title = TEXTS.thanksTitle[language];
	return page(title, `<h1>${title}</h1><p>${TEXTS.thanks[language]}</p>`, language);
}

const REFUSAL_STATUS: Record<Refusal, number> = {
	invalid: 400,
	tooLarge: 413,
	unsupported: 415,
	// The workflow's form definition no longer builds; the author sees why in the workflow, not here.
	unavailable: 500,
};

/** One fixed page per kind of refusal; nothing of the request is in it. */
export function renderRefusal(
	refusal: Refusal,
	language: PageLanguage = 'en',
): { status: number; html: string } {
	const title = TEXTS.refusedTitle[language];
	return {
		status: REFUSAL_STATUS[refusal],
		html: page(title, `<h1>${title}</h1><p>${TEXTS[refusal][language]}</p>`, language),
	};
}
