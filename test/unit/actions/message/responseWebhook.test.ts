import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import {
	answerBytes,
	MAX_BODY_BYTES,
	MAX_VALUE_LENGTH,
} from '../../../../nodes/DingTalk/actions/message/responseForm';
import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';

/**
 * The DingTalk node's webhook(): what a Send and Wait link does. n8n has checked the signature before calling it
 * (see the e2e test for that); here every request shape is thrown at the handler directly.
 */
interface Sent {
	status?: number;
	headers: Record<string, string>;
	body?: string;
}

interface Request {
	method?: string;
	query?: Record<string, unknown>;
	headers?: Record<string, string>;
	body?: unknown;
}

const BROWSER = 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 DingTalk/7.6.0';
const MULTIPART = 'multipart/form-data; boundary=x';

async function call(parameters: IDataObject, request: Request) {
	const sent: Sent = { headers: {} };
	const response = {
		status(code: number) {
			sent.status = code;
			return response;
		},
		setHeader(name: string, value: string) {
			sent.headers[name] = value;
			return response;
		},
		send(body: string) {
			sent.body = body;
			return response;
		},
		end() {
			return response;
		},
	};
	const req = {
		method: request.method ?? 'GET',
		query: request.query ?? {},
		headers: { 'user-agent': BROWSER, ...request.headers },
		body: request.body,
	};
	const context = {
		getRequestObject: () => req,
		getResponseObject: () => response,
		getBodyData: () => req.body ?? {},
		getNodeParameter: (name: string, fallback?: unknown) =>
			name
				.split('.')
				.reduce<unknown>(
					(at, key) => (at && typeof at === 'object' ? (at as IDataObject)[key] : undefined),
					parameters,
				) ?? fallback,
	} as unknown as IWebhookFunctions;
	const result = await new DingTalk().webhook.call(context);
	return { sent, result, output: result.workflowData?.[0]?.[0]?.json };
}

const approval = { operation: 'sendAndWait', sendTo: 'users', responseType: 'approval' };
const freeText = { ...approval, responseType: 'freeText', message: 'Why <b>now</b>?' };
const customForm = {
	...approval,
	responseType: 'customForm',
	defineForm: 'json',
	jsonOutput: JSON.stringify([
		{ fieldLabel: 'Reason', requiredField: true },
		{ fieldLabel: 'Days', fieldType: 'number' },
		{
			fieldLabel: 'Team',
			fieldType: 'dropdown',
			fieldOptions: { values: [{ option: 'A' }, { option: 'B' }] },
		},
	]),
};

describe('Send and Wait: the link (webhook)', () => {
	it("records an approval with n8n's output shape and the user the link was signed for", async () => {
		const { sent, output } = await call(approval, {
			query: { approved: 'false', user: 'eng0001' },
		});
		expect(output).toEqual({
			data: { approved: false, respondedAt: expect.any(String) },
			respondent: { userId: 'eng0001' },
		});
		expect(sent.status).toBe(200);
		expect(sent.body).toContain('Got it, thanks');
		expect(sent.headers['Content-Security-Policy']).toMatch(/default-src 'none'/);
		expect(sent.headers['Referrer-Policy']).toBe('no-referrer');
	});

	it('says nobody is known to have answered a group message', async () => {
		const { output } = await call(
			{ ...approval, sendTo: 'group' },
			{ query: { approved: 'true', user: 'eng0001' } },
		);
		expect(output).toMatchObject({ data: { approved: true }, respondent: null });
	});

	it.each([
		['missing', undefined],
		['a case variant', 'TRUE'],
		['a list', ['true', 'false']],
		['a number-ish', '1'],
	])('refuses an approved that is %s, resuming nothing', async (_label, approved) => {
		const { sent, result } = await call(approval, { query: { approved } });
		expect([sent.status, result.workflowData]).toEqual([400, undefined]);
	});

	it('does not let a link preview or a bot answer an approval', async () => {
		for (const agent of [
			'',
			'Slackbot-LinkExpanding 1.0',
			'Mozilla/5.0 (compatible; Googlebot/2.1)',
		]) {
			const { sent, result } = await call(approval, {
				query: { approved: 'true' },
				headers: { 'user-agent': agent },
			});
			expect([sent.status, result.workflowData]).toEqual([204, undefined]);
		}
	});

	it('shows the Free Text form on GET, every value escaped, and records the text on POST', async () => {
		const page = await call(freeText, { query: { approved: 'true', user: 'eng0002' } });
		expect(page.result.workflowData).toBeUndefined();
		expect(page.sent.body).toContain('Why &lt;b&gt;now&lt;/b&gt;?');
		expect(page.sent.body).toContain('enctype="multipart/form-data"');
		const { output } = await call(freeText, {
			method: 'POST',
			query: { approved: 'true', user: 'eng0002' },
			headers: { 'content-type': MULTIPART },
			body: { data: { 'field-0': 'Because <script>' } },
		});
		expect(output).toEqual({
			data: { text: 'Because <script>', respondedAt: expect.any(String) },
			respondent: { userId: 'eng0002' },
		});
	});

	it('records a custom form under its labels, numbers as numbers', async () => {
		const { output } = await call(customForm, {
			method: 'POST',
			query: { approved: 'true' },
			headers: { 'content-type': MULTIPART },
			body: { data: { 'field-0': 'audit', 'field-1': '3', 'field-2': 'B' } },
		});
		expect(output).toMatchObject({ data: { Reason: 'audit', Days: 3, Team: 'B' } });
	});

	it.each([
		['a missing required field', { 'field-1': '3' }, {}, 400],
		['a value twice', { 'field-0': ['a', 'b'] }, {}, 400],
		['a number that is not', { 'field-0': 'a', 'field-1': '3e999' }, {}, 400],
		['an option not offered', { 'field-0': 'a', 'field-2': 'C' }, {}, 400],
		['an overlong value', { 'field-0': 'x'.repeat(10_001) }, {}, 413],
		[
			'too many keys',
			Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'])),
			{},
			413,
		],
		[
			'a declared body over 64 KiB',
			{ 'field-0': 'a' },
			{ 'content-length': String(65 * 1024) },
			413,
		],
		[
			'a url-encoded body',
			{ 'field-0': 'a' },
			{ 'content-type': 'application/x-www-form-urlencoded' },
			415,
		],
	])('refuses %s with one fixed page, echoing nothing', async (_label, data, headers, status) => {
		const { sent, result } = await call(customForm, {
			method: 'POST',
			query: { approved: 'true' },
			headers: { 'content-type': MULTIPART, ...headers },
			body: { data },
		});
		expect([sent.status, result.workflowData]).toEqual([status, undefined]);
		expect(sent.body).not.toMatch(/field-|xxxx|3e999/);
	});

	it("answers in Chinese when the browser's first language is Chinese (DingTalk's sends its UI language)", async () => {
		const chinese = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
		const thanks = await call(approval, { query: { approved: 'true' }, headers: chinese });
		expect(thanks.sent.body).toContain('<html lang="zh-CN">');
		expect(thanks.sent.body).toContain('已收到，谢谢');
		const refused = await call(approval, { query: { approved: 'yes' }, headers: chinese });
		expect(refused.sent.body).toContain('回复未被接受');
		for (const other of ['en-US,zh;q=0.9', '*', ' z', 'x'.repeat(8000)]) {
			const { sent } = await call(approval, {
				query: { approved: 'true' },
				headers: { 'accept-language': other },
			});
			expect(sent.body).toContain('Got it, thanks');
		}
	});

	it('refuses an answer over 64 KiB sent without a Content-Length (chunked): what was read counts', async () => {
		const data = { 'field-0': 'x'.repeat(MAX_VALUE_LENGTH), 'field-1': '1' };
		for (let i = 2; i < 30; i++) Object.assign(data, { [`pad-${i}`]: 'y'.repeat(3000) });
		const { sent, result } = await call(customForm, {
			method: 'POST',
			query: { approved: 'true' },
			headers: { 'content-type': MULTIPART, 'transfer-encoding': 'chunked' },
			body: { data },
		});
		expect(sent.status).toBe(413);
		expect(result.workflowData).toBeUndefined();
	});

	it('refuses an uploaded file: the form has no file field', async () => {
		const { sent } = await call(customForm, {
			method: 'POST',
			query: { approved: 'true' },
			headers: { 'content-type': MULTIPART },
			body: { data: { 'field-0': 'a' }, files: { 'field-0': {} } },
		});
		expect(sent.status).toBe(415);
	});
});

describe('Send and Wait: the response form page', () => {
	it('shows the Form Title, Form Description and Button Label the workflow sets', async () => {
		const { sent } = await call(
			{
				...freeText,
				options: {
					responseFormTitle: 'Leave request',
					responseFormDescription: 'Tell us why',
					responseFormButtonLabel: 'Send',
				},
			},
			{ query: { approved: 'true' } },
		);
		expect(sent.body).toContain('<title>Leave request</title>');
		expect(sent.body).toContain('<main><h1>Leave request</h1><p>Tell us why</p><form');
		expect(sent.body).toContain('<button type="submit">Send</button>');
	});

	it('by default has no heading, the message as description and a "Submit" button', async () => {
		const { sent } = await call(freeText, { query: { approved: 'true' } });
		expect(sent.body).toContain('<title>Submit</title>');
		expect(sent.body).toContain('<main><p>Why &lt;b&gt;now&lt;/b&gt;?</p><form');
		expect(sent.body).toContain('<button type="submit">Submit</button>');
		const blank = await call(
			{ ...freeText, options: { responseFormTitle: ' ', responseFormButtonLabel: '' } },
			{ query: { approved: 'true' } },
		);
		expect(blank.sent.body).toContain('<title>Submit</title>');
		expect(blank.sent.body).toContain('<button type="submit">Submit</button>');
	});

	it('has no description when there is no message either', async () => {
		const { sent } = await call(
			{ ...approval, responseType: 'freeText' },
			{ query: { approved: 'true' } },
		);
		expect(sent.body).toContain('<main><form method="post"');
	});

	it('shows a custom form defined with the fields below', async () => {
		const { sent } = await call(
			{
				...approval,
				responseType: 'customForm',
				defineForm: 'fields',
				formFields: { values: [{ fieldLabel: 'Reason', requiredField: true }] },
			},
			{ query: { approved: 'true' } },
		);
		expect(sent.status).toBe(200);
		expect(sent.body).toContain('<label for="field-0">Reason *</label>');
	});

	it('shows a fixed "cannot be shown" page (500) for a form that no longer builds, resuming nothing', async () => {
		for (const method of ['GET', 'POST']) {
			const { sent, result } = await call(
				{ ...customForm, jsonOutput: '{not json' },
				{ method, query: { approved: 'true' }, headers: { 'content-type': MULTIPART } },
			);
			expect([sent.status, result.workflowData]).toEqual([500, undefined]);
			expect(sent.body).toContain('This form cannot be shown. Ask the sender of the message.');
		}
	});

	it('leaves any other failure to n8n (which answers and logs it)', async () => {
		const failing = new Error('expression failed');
		const parameters = {
			...freeText,
			options: {
				get responseFormTitle(): string {
					throw failing;
				},
			},
		};
		await expect(call(parameters, { query: { approved: 'true' } })).rejects.toBe(failing);
	});
});

describe('Send and Wait: what the link tells n8n, and who answered', () => {
	it('tells n8n it answered itself (noWebhookResponse), on every path', async () => {
		const answered = await call(approval, { query: { approved: 'true' } });
		expect(answered.result.noWebhookResponse).toBe(true);
		const refused = await call(approval, { query: { approved: 'maybe' } });
		expect(refused.result).toEqual({ noWebhookResponse: true, workflowData: undefined });
		const preview = await call(approval, {
			query: { approved: 'true' },
			headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0' },
		});
		expect(preview.result).toEqual({ noWebhookResponse: true });
	});

	it('does not answer an approval for a request without any User-Agent header', async () => {
		const { sent, result } = await call(approval, {
			query: { approved: 'true' },
			headers: { 'user-agent': undefined as unknown as string },
		});
		expect([sent.status, result]).toEqual([204, { noWebhookResponse: true }]);
	});

	it('knows no respondent for a link to users signed without a user', async () => {
		const { output } = await call(approval, { query: { approved: 'true' } });
		expect(output?.respondent).toBeNull();
	});

	it('takes Send To left unset as Users (its default)', async () => {
		const { output } = await call(
			{ operation: 'sendAndWait', responseType: 'approval' },
			{ query: { approved: 'true', user: 'eng0003' } },
		);
		expect(output?.respondent).toEqual({ userId: 'eng0003' });
	});
});

describe('Send and Wait: how an answer may arrive', () => {
	const post = (headers: Record<string, string>, body: unknown, method = 'POST') =>
		call(customForm, {
			method,
			query: { approved: 'true' },
			headers: { 'content-type': MULTIPART, ...headers },
			body,
		});

	it('refuses a method other than GET and POST (415), resuming nothing', async () => {
		const { sent, result } = await post({}, { data: { 'field-0': 'audit' } }, 'PUT');
		expect([sent.status, result.workflowData]).toEqual([415, undefined]);
	});

	it('accepts a declared Content-Length of exactly 64 KiB, refuses one byte more (413)', async () => {
		const body = { data: { 'field-0': 'audit' } };
		const atLimit = await post({ 'content-length': String(MAX_BODY_BYTES) }, body);
		expect(atLimit.sent.status).toBe(200);
		expect(atLimit.output).toMatchObject({ data: { Reason: 'audit' } });
		const over = await post({ 'content-length': String(MAX_BODY_BYTES + 1) }, body);
		expect([over.sent.status, over.result.workflowData]).toEqual([413, undefined]);
	});

	it('accepts an answer of exactly 64 KiB as read, refuses one byte more (413)', async () => {
		// field-0 + audit + pad = 7 + 5 + 3 bytes besides the padding.
		const answer = (padding: number) => ({
			data: { 'field-0': 'audit', pad: 'y'.repeat(padding) },
		});
		const padding = MAX_BODY_BYTES - 15;
		expect(answerBytes(answer(padding).data)).toBe(MAX_BODY_BYTES);
		const atLimit = await post({}, answer(padding));
		expect(atLimit.sent.status).toBe(200);
		expect(atLimit.output).toMatchObject({ data: { Reason: 'audit' } });
		const over = await post({}, answer(padding + 1));
		expect([over.sent.status, over.result.workflowData]).toEqual([413, undefined]);
	});

	it('accepts an answer whose parsed body lists no files', async () => {
		const { sent, output } = await post({}, { data: { 'field-0': 'audit' }, files: {} });
		expect(sent.status).toBe(200);
		expect(output).toMatchObject({ data: { Reason: 'audit' } });
	});
});
