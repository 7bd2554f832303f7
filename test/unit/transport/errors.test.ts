import {
	classify,
	interpretResponse,
	permissionFor,
} from '../../../nodes/DingTalk/transport/errors';
import { itStaysLinear, MB, STAYS_LINEAR } from '../support/linearTime';

describe('error classification', () => {
	it('recognises both error formats', () => {
		const api = interpretResponse('api', '/v1.0/robot/oToMessages/batchSend', 400, {
			code: 'invalidParameter.robotCode.auth',
			message: 'robotCode 无权限',
			requestid: 'R1',
		});
		expect(api).toMatchObject({
			code: 'invalidParameter.robotCode.auth',
			kind: 'robotCode',
			requestId: 'R1',
			httpStatus: 400,
		});
		expect(api?.hint).toMatch(/RobotCode/);
		const legacy = interpretResponse('legacy', '/topapi/v2/user/get', 200, {
			errcode: 60121,
			errmsg: '找不到该用户',
			request_id: 'R2',
		});
		expect(legacy).toMatchObject({ code: '60121', kind: 'userNotFound', requestId: 'R2' });
		expect(legacy?.hint).toMatch(/visible range/);
		expect(
			interpretResponse('legacy', '/topapi/v2/user/get', 200, { errcode: 0, result: {} }),
		).toBeUndefined();
		expect(interpretResponse('api', '/x', 200, { any: 1 })).toBeUndefined();
	});
	it('maps invalid tokens (code 88 with sub_code 40014), flow control, quota, permissions and 5xx', () => {
		expect(
			interpretResponse('legacy', '/topapi/x', 200, {
				errcode: 88,
				sub_code: '40014',
				sub_msg: '不合法的access_token',
			})?.kind,
		).toBe('invalidToken');
		expect(classify('InvalidAuthentication', 400)).toBe('invalidToken');
		expect(classify('Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', 403)).toBe('flowControl');
		expect(classify('90018', 200)).toBe('flowControl');
		expect(classify('x', 429)).toBe('flowControl');
		expect(classify('Forbidden.AccessDenied.ApiCountLimitForOrg', 403)).toBe('quota');
		expect(classify('Forbidden.AccessDenied.AccessTokenPermissionDenied', 403)).toBe('permission');
		expect(classify('unknownError', 500)).toBe('server');
		expect(classify('invalidClientIdOrSecret', 400)).toBe('credentials');
		const permission = interpretResponse('api', '/v1.0/robot/groupMessages/send', 403, {
			code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
			message: 'no',
		});
		expect(permission?.hint).toMatch(/qyapi_robot_sendmsg/);
	});
	it('treats a non-JSON answer as an invalid response', () => {
		expect(interpretResponse('api', '/x', 200, '<html>')).toMatchObject({
			code: 'INVALID_RESPONSE',
			kind: 'invalidResponse',
		});
		expect(interpretResponse('api', '/x', 502, '<html>')).toMatchObject({
			code: 'HTTP_502',
			kind: 'server',
		});
	});
});

describe(STAYS_LINEAR, () => {
	itStaysLinear([
		[
			'DingTalk error code: robot, then "not" repeated',
			() => classify(`robot${'not'.repeat(MB / 3)}`, 400),
		],
		['DingTalk error code: "robotnot" repeated', () => classify('robotnot'.repeat(MB / 8), 400)],
		['DingTalk error code: "ROBOT 不" repeated', () => classify('ROBOT 不'.repeat(MB / 7), 400)],
		[
			'DingTalk error code: permission prefixes',
			() => classify('Forbidden.AccessDenied.'.repeat(MB / 23), 403),
		],
		[
			'DingTalk error answer through interpretResponse',
			() =>
				interpretResponse('api', '/v1.0/robot/x', 400, {
					code: `robot${'not'.repeat(MB / 3)}`,
					message: 'x',
				}),
		],
		['endpoint permission lookup', () => permissionFor(`/v1.0/card${'/'.repeat(MB)}`)],
	]);
	it('the error-code check still means what its pattern meant', () => {
		const pattern = /robot.*(not.*exist|不存在)/i;
		const words = ['robot', 'ROBOT', 'not', 'NoT', 'exist', '不存在', 'x', '\n', ' '];
		let seed = 7;
		const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
		for (let i = 0; i < 5000; i++) {
			const code = Array.from(
				{ length: 1 + Math.floor(random() * 6) },
				() => words[Math.floor(random() * words.length)],
			).join('');
			expect([code, classify(code, 400) === 'robotCode']).toEqual([code, pattern.test(code)]);
		}
		expect(classify('robot.not.exist', 400)).toBe('robotCode');
		expect(classify('Robot不存在', 400)).toBe('robotCode');
		expect(classify('robot\nnot exist', 400)).toBe('invalidRequest');
	});
});
