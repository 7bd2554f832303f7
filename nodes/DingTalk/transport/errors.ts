import { classify, type DingTalkErrorKind, hintFor } from './errorHints';
import type { ApiFamily } from './types';

import { redactSecrets } from '../../shared/redact';

// Where callers and tests have always found them.
export { classify, type DingTalkErrorKind, permissionFor } from './errorHints';

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
			dingTalkMessage:
				status >= 400 ? `HTTP ${status}` : 'DingTalk answered with something that is not JSON',
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

/** A header by its lower-case name, in whatever case the sender kept it (HTTP header names are case-insensitive). */
function headerValue(
	headers: Record<string, string | string[] | undefined>,
	name: string,
): string | undefined {
	const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
	return Array.isArray(value) ? value[0] : value;
}

function stringOrUndefined(value: unknown): string | undefined {
	return value === undefined || value === null ? undefined : String(value);
}
