import type { ApiFamily } from './types';

import { redactSecrets } from '../../shared/redact';

/** What kind of failure a DingTalk answer is: decides retry, token refresh and the hint shown to the user. */
export type DingTalkErrorKind =
	| 'credentials'
	| 'invalidToken'
	| 'flowControl'
	| 'quota'
	| 'server'
	| 'permission'
	| 'robotCode'
	| 'userNotFound'
	| 'notFound'
	| 'invalidRequest'
	| 'network'
	| 'invalidResponse';

/** A failed DingTalk call, keeping DingTalk's own code, message and request id. Never carries secrets. */
export class DingTalkApiError extends Error {
	readonly code: string;
	readonly dingTalkMessage: string;
	readonly requestId?: string;
	readonly httpStatus?: number;
	readonly kind: DingTalkErrorKind;
	readonly hint?: string;
	/** The path called, without host or query (which may hold a token). */
	readonly endpoint: string;
	/** Seconds DingTalk asked us to wait (Retry-After), if it said. */
	readonly retryAfterSeconds?: number;

	constructor(fields: {
		code: string;
		dingTalkMessage: string;
		requestId?: string;
		httpStatus?: number;
		kind: DingTalkErrorKind;
		endpoint: string;
		retryAfterSeconds?: number;
	}) {
		const hint = hintFor(fields.kind, fields.endpoint, fields.code);
		super(`DingTalk error ${fields.code}: ${fields.dingTalkMessage}`);
		this.name = 'DingTalkApiError';
		this.code = fields.code;
		this.dingTalkMessage = fields.dingTalkMessage;
		this.requestId = fields.requestId;
		this.httpStatus = fields.httpStatus;
		this.kind = fields.kind;
		this.endpoint = fields.endpoint;
		this.retryAfterSeconds = fields.retryAfterSeconds;
		this.hint = hint;
	}

	/** The same error with every given secret masked in the texts that came from the server. */
	redacted(secrets: Array<string | undefined>): DingTalkApiError {
		return new DingTalkApiError({
			code: redactSecrets(this.code, secrets),
			dingTalkMessage: redactSecrets(this.dingTalkMessage, secrets),
			requestId: this.requestId === undefined ? undefined : redactSecrets(this.requestId, secrets),
			httpStatus: this.httpStatus,
			kind: this.kind,
			endpoint: redactSecrets(this.endpoint, secrets),
			retryAfterSeconds: this.retryAfterSeconds,
		});
	}

	get retryable(): boolean {
		return this.kind === 'flowControl' || this.kind === 'server';
	}

	toJSON() {
		return {
			code: this.code,
			message: this.dingTalkMessage,
			requestId: this.requestId,
			httpStatus: this.httpStatus,
			endpoint: this.endpoint,
			hint: this.hint,
		};
	}
}

// Flow-control codes from DingTalk's throttling guide: per app per API, per API globally, and the legacy ones.
const FLOW_CONTROL_CODES = new Set([
	'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi',
	'Forbidden.AccessDenied.QpsLimitForApi',
	'90018',
	'90002',
	'90005',
	'90006',
]);
const QUOTA_CODES = new Set(['Forbidden.AccessDenied.ApiCountLimitForOrg', '90020']);
const INVALID_TOKEN_CODES = new Set([
	'InvalidAuthentication',
	'40014', // 不合法的access_token (oapi, also as sub_code of errcode 88)
	'42001', // access_token expired
	'40001',
]);
const CREDENTIAL_CODES = new Set(['invalidClientIdOrSecret', '40096', '40089', '40035', '40095']);
const PERMISSION_CODE = /AccessTokenPermissionDenied|^Forbidden\.AccessDenied\.(?!Qps|ApiCount)|^60011$/;
const USER_NOT_FOUND_CODES = new Set(['60121', '60111', '33012', 'invalidParameter.userIds.invalid']);

/**
 * What /robot.*(not.*exist|不存在)/i matched ("robot", then "not" then "exist", or "不存在", on one line), by substring
 * search: the codes come from DingTalk's answers, and that pattern backtracks polynomially on "robotnotnot…".
 */
function saysRobotMissing(code: string): boolean {
	for (const line of code.toLowerCase().split(/[\n\r\u2028\u2029]/)) {
		const robot = line.indexOf('robot');
		if (robot < 0) continue;
		if (line.includes('不存在', robot + 5)) return true;
		const not = line.indexOf('not', robot + 5);
		if (not >= 0 && line.includes('exist', not + 3)) return true;
	}
	return false;
}

export function classify(code: string, httpStatus: number | undefined, subCode?: string): DingTalkErrorKind {
	if (FLOW_CONTROL_CODES.has(code) || httpStatus === 429) return 'flowControl';
	if (QUOTA_CODES.has(code)) return 'quota';
	if (INVALID_TOKEN_CODES.has(code) || (subCode !== undefined && INVALID_TOKEN_CODES.has(subCode))) {
		return 'invalidToken';
	}
	if (CREDENTIAL_CODES.has(code)) return 'credentials';
	if (code.startsWith('invalidParameter.robotCode') || saysRobotMissing(code)) return 'robotCode';
	if (USER_NOT_FOUND_CODES.has(code)) return 'userNotFound';
	if (PERMISSION_CODE.test(code)) return 'permission';
	if (code === 'unknownError' || code === '-1' || (httpStatus !== undefined && httpStatus >= 500)) return 'server';
	if (httpStatus === 404 || code === '60003' || code === '22') return 'notFound';
	return 'invalidRequest';
}

/**
 * The permission (scope) each endpoint needs, for the "missing permission" hint. Scope names are DingTalk's
 * console names as found in public docs; the card and contact ones are UNCONFIRMED.
 */
const ENDPOINT_PERMISSIONS: Array<[RegExp, string]> = [
	[/^\/v1\.0\/robot\//, 'qyapi_robot_sendmsg (企业内机器人发送消息权限)'],
	[/^\/robot\/sendBySession/, 'qyapi_robot_sendmsg (企业内机器人发送消息权限)'],
	[/^\/v1\.0\/card\/streaming/, 'Card.Streaming.Write (AI 卡片流式更新权限)'],
	[/^\/v1\.0\/card\//, 'Card.Instance.Write (互动卡片实例写权限)'],
	[/^\/topapi\/(v2\/)?user\//, 'qyapi_get_member (成员信息读权限)'],
	[/^\/topapi\/v2\/department\//, 'qyapi_get_department_list (通讯录部门信息读权限)'],
];

export function permissionFor(endpoint: string): string | undefined {
	return ENDPOINT_PERMISSIONS.find(([pattern]) => pattern.test(endpoint))?.[1];
}

function hintFor(kind: DingTalkErrorKind, endpoint: string, code: string): string | undefined {
	switch (kind) {
		case 'credentials':
			return 'Check Client ID (AppKey) and Client Secret in the credential: DingTalk Developer Console → your app → Credentials & Basic Info (凭证与基础信息).';
		case 'permission': {
			const permission = permissionFor(endpoint);
			return `The app lacks a permission for ${endpoint}. Grant ${permission ?? 'the permission named in the message'} in DingTalk Developer Console → your app → Permissions (权限管理), then publish a new version.`;
		}
		case 'robotCode':
			return 'Check Robot Code in the credential: DingTalk Developer Console → your app → Robot (机器人) → RobotCode. For an internal app it usually equals the AppKey; it is never the literal "normal".';
		case 'userNotFound':
			return 'Check the user ID (the staff userId, not the unionId) and that the user is in the app\'s visible range: Developer Console → your app → Version Management (版本管理与发布) → Visible Range.';
		case 'flowControl':
			return 'DingTalk flow control (QPS limit) persisted after retries. Send fewer requests per second, or split the work over time.';
		case 'quota':
			return 'The organisation\'s monthly DingTalk API call quota is used up; it resets next month or with a paid plan.';
		case 'invalidToken':
			return 'DingTalk refused a freshly fetched access token. Check that the API Base URLs in the credential belong to the same DingTalk deployment.';
		case 'network':
			return 'DingTalk could not be reached. Check the API Base URL in the credential and the n8n host\'s network or proxy settings.';
		case 'server':
			return 'DingTalk answered with a server error after retries; try again later.';
		case 'notFound':
			return code === '60003' ? 'The department ID does not exist in this organisation.' : undefined;
		default:
			return undefined;
	}
}

/** Parses a DingTalk answer of either family into ok/error. api: non-2xx + {code,message,requestid}; legacy: {errcode,errmsg}. */
export function interpretResponse(
	family: ApiFamily,
	endpoint: string,
	status: number,
	body: unknown,
	headers: Record<string, string | string[] | undefined> = {},
): DingTalkApiError | undefined {
	const retryAfter = Number(headerValue(headers, 'retry-after'));
	const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
	if (typeof body !== 'object' || body === null) {
		if (status >= 200 && status < 300 && body === undefined) return undefined;
		return new DingTalkApiError({
			code: status >= 400 ? `HTTP_${status}` : 'INVALID_RESPONSE',
			dingTalkMessage: status >= 400 ? `HTTP ${status}` : 'DingTalk answered with something that is not JSON',
			httpStatus: status,
			kind: status === 429 || status >= 500 ? classify('', status) : 'invalidResponse',
			endpoint,
			retryAfterSeconds,
		});
	}
	const data = body as Record<string, unknown>;
	if (family === 'legacy' && data.errcode !== undefined && Number(data.errcode) !== 0) {
		const code = String(data.errcode);
		const subCode = data.sub_code === undefined ? undefined : String(data.sub_code);
		const message = String(data.sub_msg ?? data.errmsg ?? 'unknown error');
		return new DingTalkApiError({
			code: subCode && code === '88' ? subCode : code,
			dingTalkMessage: message,
			requestId: stringOrUndefined(data.request_id ?? data.requestId),
			httpStatus: status,
			kind: classify(code, status, subCode),
			endpoint,
			retryAfterSeconds,
		});
	}
	if (status >= 200 && status < 300) return undefined;
	const code = String(data.code ?? data.errcode ?? `HTTP_${status}`);
	return new DingTalkApiError({
		code,
		dingTalkMessage: String(data.message ?? data.errmsg ?? `HTTP ${status}`),
		requestId: stringOrUndefined(data.requestid ?? data.requestId ?? data.request_id),
		httpStatus: status,
		kind: classify(code, status),
		endpoint,
		retryAfterSeconds,
	});
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function stringOrUndefined(value: unknown): string | undefined {
	return value === undefined || value === null ? undefined : String(value);
}
