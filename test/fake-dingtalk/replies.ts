import { randomBytes } from 'crypto';

import type { FakeReply } from './types';

export const requestId = () => randomBytes(8).toString('hex');

/** api.dingtalk.com's error shape: a non-2xx status and {code, message, requestid}. */
export function apiError(status: number, code: string, message: string): FakeReply {
	return { status, body: { code, message, requestid: requestId() } };
}

/** oapi.dingtalk.com's shape: HTTP 200 and {errcode, errmsg} (errcode 0 = ok). */
export function legacyError(
	errcode: number,
	errmsg: string,
	extra: Record<string, unknown> = {},
): FakeReply {
	return { status: 200, body: { errcode, errmsg, request_id: requestId(), ...extra } };
}

export function legacyOk(result: Record<string, unknown>): FakeReply {
	return { status: 200, body: { errcode: 0, errmsg: 'ok', ...result, request_id: requestId() } };
}

export const ok = (body: unknown): FakeReply => ({ status: 200, body });

/** Which API family a path belongs to: they differ in auth and in error format. */
export const isApiPath = (path: string) => path.startsWith('/v1.0/');
