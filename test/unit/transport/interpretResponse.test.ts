import { DingTalkApiError, interpretResponse } from '../../../nodes/DingTalk/transport/errors';

const NOT_JSON = 'DingTalk answered with something that is not JSON';

/** What a failed call tells the user: its code, DingTalk's message, the status, the kind and the full message. */
const told = (error: DingTalkApiError | undefined) =>
	error && {
		code: error.code,
		dingTalkMessage: error.dingTalkMessage,
		httpStatus: error.httpStatus,
		kind: error.kind,
		message: error.message,
	};

describe('interpretResponse: an answer that is no JSON object', () => {
	it('an empty answer is a success only from 200 to 299', () => {
		expect(interpretResponse('api', '/v1.0/robot/x', 200, undefined)).toBeUndefined();
		expect(interpretResponse('api', '/v1.0/robot/x', 299, undefined)).toBeUndefined();
		expect(interpretResponse('legacy', '/topapi/x', 204, undefined)).toBeUndefined();
		for (const status of [199, 300])
			expect(told(interpretResponse('api', '/v1.0/robot/x', status, undefined))).toEqual({
				code: 'INVALID_RESPONSE',
				dingTalkMessage: NOT_JSON,
				httpStatus: status,
				kind: 'invalidResponse',
				message: `DingTalk error INVALID_RESPONSE: ${NOT_JSON}`,
			});
		expect(told(interpretResponse('api', '/v1.0/robot/x', 500, undefined))).toEqual({
			code: 'HTTP_500',
			dingTalkMessage: 'HTTP 500',
			httpStatus: 500,
			kind: 'server',
			message: 'DingTalk error HTTP_500: HTTP 500',
		});
	});

	it('a JSON null or a text is an invalid response, even with status 200', () => {
		for (const body of [null, '<html>gateway error</html>', 42])
			expect(told(interpretResponse('legacy', '/topapi/x', 200, body))).toEqual({
				code: 'INVALID_RESPONSE',
				dingTalkMessage: NOT_JSON,
				httpStatus: 200,
				kind: 'invalidResponse',
				message: `DingTalk error INVALID_RESPONSE: ${NOT_JSON}`,
			});
	});

	it('below 400 it says "not JSON"; from 400 on it gives the HTTP status, and only 429 and 5xx are retried', () => {
		const cases: Array<[number, string, string]> = [
			[399, 'INVALID_RESPONSE', 'invalidResponse'],
			[400, 'HTTP_400', 'invalidResponse'],
			[428, 'HTTP_428', 'invalidResponse'],
			[429, 'HTTP_429', 'flowControl'],
			[499, 'HTTP_499', 'invalidResponse'],
			[500, 'HTTP_500', 'server'],
			[503, 'HTTP_503', 'server'],
		];
		for (const [status, code, kind] of cases) {
			const error = interpretResponse('api', '/v1.0/robot/x', status, '<html>');
			const dingTalkMessage = status >= 400 ? `HTTP ${status}` : NOT_JSON;
			expect([status, told(error), error?.retryable]).toEqual([
				status,
				{
					code,
					dingTalkMessage,
					httpStatus: status,
					kind,
					message: `DingTalk error ${code}: ${dingTalkMessage}`,
				},
				kind !== 'invalidResponse',
			]);
		}
	});
});

describe('interpretResponse: the new API answer {code, message, requestid}', () => {
	it('a 2xx answer is a success whatever it holds (only the legacy family reads errcode)', () => {
		expect(
			interpretResponse('api', '/v1.0/robot/x', 200, { errcode: 40014, errmsg: 'x' }),
		).toBeUndefined();
		expect(interpretResponse('api', '/v1.0/robot/x', 299, {})).toBeUndefined();
	});

	it('outside 200..299 it is an error, told by its HTTP status when the body has no code or message', () => {
		for (const status of [199, 300, 404])
			expect(told(interpretResponse('api', '/v1.0/robot/x', status, {}))).toEqual({
				code: `HTTP_${status}`,
				dingTalkMessage: `HTTP ${status}`,
				httpStatus: status,
				kind: status === 404 ? 'notFound' : 'invalidRequest',
				message: `DingTalk error HTTP_${status}: HTTP ${status}`,
			});
	});

	it('an answer without a request ID gives none (not the text "undefined" or "null")', () => {
		expect(
			interpretResponse('api', '/v1.0/robot/x', 400, { code: 'x', message: 'y' })?.requestId,
		).toBeUndefined();
		expect(
			interpretResponse('api', '/v1.0/robot/x', 400, { code: 'x', request_id: null })?.requestId,
		).toBeUndefined();
		expect(
			interpretResponse('legacy', '/topapi/x', 200, { errcode: 1, requestId: null })?.requestId,
		).toBeUndefined();
		expect(
			interpretResponse('api', '/v1.0/robot/x', 400, { code: 'x', requestid: 'R-1' })?.requestId,
		).toBe('R-1');
	});
});

describe('interpretResponse: the legacy answer {errcode, errmsg, sub_code}', () => {
	it('errcode 88 carries the real code in sub_code: the error gives the sub_code and its message', () => {
		expect(
			told(
				interpretResponse('legacy', '/topapi/v2/user/get', 200, {
					errcode: 88,
					errmsg: 'ding talk error[subcode=40014,submsg=不合法的access_token]',
					sub_code: '40014',
					sub_msg: '不合法的access_token',
				}),
			),
		).toEqual({
			code: '40014',
			dingTalkMessage: '不合法的access_token',
			httpStatus: 200,
			kind: 'invalidToken',
			message: 'DingTalk error 40014: 不合法的access_token',
		});
	});

	it('errcode 88 without a sub_code, and any other errcode with one, keep their own errcode', () => {
		expect(
			interpretResponse('legacy', '/topapi/x', 200, { errcode: 88, errmsg: 'forbidden' })?.code,
		).toBe('88');
		expect(
			told(
				interpretResponse('legacy', '/topapi/v2/user/get', 200, {
					errcode: 60121,
					errmsg: '找不到该用户',
					sub_code: 'isv.user-not-exist',
				}),
			),
		).toMatchObject({ code: '60121', kind: 'userNotFound' });
	});

	it('an errcode without any message says "unknown error"', () => {
		expect(told(interpretResponse('legacy', '/topapi/x', 200, { errcode: 33012 }))).toEqual({
			code: '33012',
			dingTalkMessage: 'unknown error',
			httpStatus: 200,
			kind: 'userNotFound',
			message: 'DingTalk error 33012: unknown error',
		});
	});
});

describe('interpretResponse: Retry-After', () => {
	const throttled = (headers: Record<string, string | string[] | undefined>) =>
		interpretResponse(
			'api',
			'/v1.0/robot/x',
			429,
			{ code: 'Throttling', message: 'Too many requests' },
			headers,
		)?.retryAfterSeconds;

	it('keeps a positive number of seconds (the first, when the header came twice)', () => {
		expect(throttled({ 'retry-after': '5' })).toBe(5);
		expect(throttled({ 'retry-after': '0.5' })).toBe(0.5);
		expect(throttled({ 'retry-after': ['7', '9'] })).toBe(7);
	});

	it('ignores a missing, zero, negative, infinite or non-numeric value (the client then backs off itself)', () => {
		expect(throttled({})).toBeUndefined();
		for (const value of ['0', '-3', '', 'soon', 'Infinity', 'Wed, 21 Oct 2026 07:28:00 GMT'])
			expect([value, throttled({ 'retry-after': value })]).toEqual([value, undefined]);
	});

	it('is read whatever the case of the header name (HTTP header names are case-insensitive)', () => {
		expect(throttled({ 'Retry-After': '4' })).toBe(4);
		expect(throttled({ 'RETRY-AFTER': '6' })).toBe(6);
		expect(throttled({ 'x-retry-after': '8', 'retry-after-ms': '9' })).toBeUndefined();
	});

	it('is kept on every kind of failed answer', () => {
		const headers = { 'retry-after': '2' };
		expect(interpretResponse('api', '/v1.0/x', 503, '<html>', headers)?.retryAfterSeconds).toBe(2);
		expect(
			interpretResponse('legacy', '/topapi/x', 200, { errcode: 90018 }, headers)?.retryAfterSeconds,
		).toBe(2);
	});
});

describe('DingTalkApiError', () => {
	it('names itself in logs and stack traces', () => {
		const error = interpretResponse('api', '/v1.0/robot/x', 404, {});
		expect(error).toBeInstanceOf(DingTalkApiError);
		expect(error?.name).toBe('DingTalkApiError');
		expect(String(error)).toBe('DingTalkApiError: DingTalk error HTTP_404: HTTP 404');
	});
});
