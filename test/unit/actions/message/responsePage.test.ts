import { type FormField } from '../../../../nodes/DingTalk/actions/message/responseForm';
import {
	type FormPage,
	pageLanguage,
	renderFormPage,
	renderRefusal,
	renderThanksPage,
} from '../../../../nodes/DingTalk/actions/message/responsePage';
import { formField as field } from '../../../support/formField';

/**
 * What a person sees on the pages a Send and Wait link opens: the form (each field type's element and attributes,
 * required marks, placeholders, dropdown choices, the title, the description's line breaks, the button), and the
 * thanks and refusal pages in the browser's language with their status codes.
 */

const formPage = (extra: Partial<FormPage>): string =>
	renderFormPage({ title: '', description: '', buttonLabel: 'Send', fields: [], ...extra });

/** The page's visible part: everything inside <main>. */
const mainOf = (html: string): string => {
	const match = /<main>([\s\S]*)<\/main>/.exec(html);
	if (!match) throw new Error(`no <main> in ${html}`);
	return match[1];
};

/** The fields of the form: between the opening <form> tag and its button. */
const fieldsOf = (fields: FormField[]): string => {
	const main = mainOf(formPage({ fields }));
	const open = '<form method="post" enctype="multipart/form-data">';
	expect(main.startsWith(open)).toBe(true);
	return main.slice(open.length, main.indexOf('<button'));
};

describe('Send and Wait page: the element of each field type', () => {
	it('text, email and date: an input of that type, as long as an answer may be', () => {
		expect(fieldsOf([field('text'), field('email'), field('date')])).toBe(
			'<label for="field-0">text</label><input id="field-0" name="field-0" type="text" maxlength="10000">' +
				'<label for="field-1">email</label><input id="field-1" name="field-1" type="email" maxlength="10000">' +
				'<label for="field-2">date</label><input id="field-2" name="field-2" type="date" maxlength="10000">',
		);
	});

	it('number: a text input with a decimal keyboard, so the server reads what was typed', () => {
		expect(fieldsOf([field('number')])).toBe(
			'<label for="field-0">number</label><input id="field-0" name="field-0" type="text" inputmode="decimal" maxlength="10000">',
		);
	});

	it('textarea: a text area as long as an answer may be', () => {
		expect(fieldsOf([field('textarea')])).toBe(
			'<label for="field-0">textarea</label><textarea id="field-0" name="field-0" maxlength="10000"></textarea>',
		);
	});

	it('dropdown: an empty first choice, then each option, escaped, its value the option itself', () => {
		expect(fieldsOf([field('dropdown', { options: ['Yes', 'Tom & "Jerry"'] })])).toBe(
			'<label for="field-0">dropdown</label><select id="field-0" name="field-0"><option value=""></option>' +
				'<option value="Yes">Yes</option><option value="Tom &amp; &quot;Jerry&quot;">Tom &amp; &quot;Jerry&quot;</option></select>',
		);
	});
});

describe('Send and Wait page: required marks and placeholders', () => {
	it('a required field has a "*" after its label and the required attribute; a placeholder is escaped', () => {
		expect(
			fieldsOf([
				field('text', { label: 'Name', required: true, placeholder: 'Your "name" & <title>' }),
				field('textarea', { label: 'Why', required: true, placeholder: 'Because' }),
				field('dropdown', { label: 'Team', required: true, options: ['A'] }),
				field('number', { label: 'Count', required: true, placeholder: '3' }),
			]),
		).toBe(
			'<label for="field-0">Name *</label><input id="field-0" name="field-0" type="text" maxlength="10000" placeholder="Your &quot;name&quot; &amp; &lt;title&gt;" required>' +
				'<label for="field-1">Why *</label><textarea id="field-1" name="field-1" maxlength="10000" placeholder="Because" required></textarea>' +
				'<label for="field-2">Team *</label><select id="field-2" name="field-2" required><option value=""></option><option value="A">A</option></select>' +
				'<label for="field-3">Count *</label><input id="field-3" name="field-3" type="text" inputmode="decimal" maxlength="10000" placeholder="3" required>',
		);
	});

	it('an optional field has neither, and no placeholder attribute without a placeholder', () => {
		expect(fieldsOf([field('text', { label: 'Note' })])).toBe(
			'<label for="field-0">Note</label><input id="field-0" name="field-0" type="text" maxlength="10000">',
		);
	});
});

describe('Send and Wait page: title, description and button', () => {
	it('shows the title as heading and tab title, the description, then the form and its button', () => {
		const html = formPage({
			title: 'Leave <request>',
			description: 'Approve it?',
			buttonLabel: 'Send & close',
			fields: [field('text')],
		});
		expect(html).toContain('<title>Leave &lt;request&gt;</title>');
		expect(mainOf(html)).toBe(
			'<h1>Leave &lt;request&gt;</h1><p>Approve it?</p><form method="post" enctype="multipart/form-data">' +
				'<label for="field-0">text</label><input id="field-0" name="field-0" type="text" maxlength="10000">' +
				'<button type="submit">Send &amp; close</button></form>',
		);
	});

	it('without title or description: no heading, no paragraph, the button label as tab title', () => {
		const html = formPage({ buttonLabel: 'Answer' });
		expect(html).toContain('<title>Answer</title>');
		expect(mainOf(html)).toBe(
			'<form method="post" enctype="multipart/form-data"><button type="submit">Answer</button></form>',
		);
	});

	it('keeps the line breaks of the description, written as "\\n", a line break or any <br>, and escapes the rest', () => {
		const html = formPage({
			description: 'One\\nTwo\nThree<br>Four<br/>Five<BR />Six<br  >Seven <b>bold</b>',
		});
		expect(mainOf(html)).toBe(
			'<p>One<br>Two<br>Three<br>Four<br>Five<br>Six<br>Seven &lt;b&gt;bold&lt;/b&gt;</p>' +
				'<form method="post" enctype="multipart/form-data"><button type="submit">Send</button></form>',
		);
	});
});

describe('Send and Wait page: the language of the page', () => {
	it.each([
		['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
		['zh', 'zh-CN'],
		['ZH-tw', 'zh-CN'],
		['  zh-HK', 'zh-CN'],
		['en-US,zh-CN;q=0.9', 'en'],
		['', 'en'],
		[undefined, 'en'],
		[['zh-CN'], 'en'],
	])('Accept-Language %j → %s', (header, language) => {
		expect(pageLanguage(header)).toBe(language);
	});

	it('thanks the person in English or Chinese', () => {
		const en = renderThanksPage('en');
		expect(en).toContain('<html lang="en">');
		expect(en).toContain('<title>Got it, thanks</title>');
		expect(mainOf(en)).toBe(
			'<h1>Got it, thanks</h1><p>Your response has been recorded. This page can be closed now.</p>',
		);
		const zh = renderThanksPage('zh-CN');
		expect(zh).toContain('<html lang="zh-CN">');
		expect(zh).toContain('<title>已收到，谢谢</title>');
		expect(mainOf(zh)).toBe('<h1>已收到，谢谢</h1><p>你的回复已记录，现在可以关闭此页面。</p>');
		expect(renderThanksPage()).toBe(en);
	});

	it.each([
		[
			'invalid',
			400,
			'This response could not be accepted. Go back, check the fields and send it again.',
			'此回复无法接受。请返回检查各字段后重新提交。',
		],
		['tooLarge', 413, 'This response is too large to be accepted.', '此回复过大，无法接受。'],
		[
			'unsupported',
			415,
			'This response was not sent by the response form.',
			'此回复不是通过回复表单提交的。',
		],
		[
			'unavailable',
			500,
			'This form cannot be shown. Ask the sender of the message.',
			'无法显示此表单，请联系消息的发送者。',
		],
	] as const)(
		'refuses %s with %d and its fixed text in either language',
		(refusal, status, en, zh) => {
			const english = renderRefusal(refusal, 'en');
			expect(english.status).toBe(status);
			expect(english.html).toContain('<html lang="en"><head>');
			expect(english.html).toContain('<title>Response not accepted</title>');
			expect(mainOf(english.html)).toBe(`<h1>Response not accepted</h1><p>${en}</p>`);
			const chinese = renderRefusal(refusal, 'zh-CN');
			expect(chinese.status).toBe(status);
			expect(chinese.html).toContain('<html lang="zh-CN"><head>');
			expect(chinese.html).toContain('<title>回复未被接受</title>');
			expect(mainOf(chinese.html)).toBe(`<h1>回复未被接受</h1><p>${zh}</p>`);
			expect(renderRefusal(refusal)).toEqual(english);
		},
	);
});
