import { randomBytes } from 'crypto';

import { recordSecret } from '../support/secretLeaks';
import { apiError, legacyError, ok } from './replies';
import type { FakeApp, FakeReply, FakeRequest } from './types';
import type { FakeDingTalk } from './FakeDingTalk';

function issue(fake: FakeDingTalk, app: FakeApp): { token: string; ttl: number } {
	const token = randomBytes(16).toString('hex');
	recordSecret('DingTalk access token (issued by the fake)', token);
	fake.tokens.set(token, { app, expiresAt: Date.now() + fake.tokenTtlSeconds * 1000 });
	return { token, ttl: fake.tokenTtlSeconds };
}

/** POST /v1.0/oauth2/accessToken {appKey, appSecret}. */
export function newAccessToken(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const body = (req.body ?? {}) as Record<string, unknown>;
	if (!body.appKey || !body.appSecret)
		return apiError(400, 'MissingParameter', '缺少参数 appKey 或 appSecret');
	const app = fake.apps.find(
		(a) => a.clientId === body.appKey && a.clientSecret === body.appSecret,
	);
	if (!app) return apiError(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
	const { token, ttl } = issue(fake, app);
	return ok({ accessToken: token, expireIn: ttl });
}

/** GET /gettoken?appkey=&appsecret= (legacy). */
export function legacyAccessToken(fake: FakeDingTalk, req: FakeRequest): FakeReply {
	const { appkey, appsecret } = req.query;
	if (!appkey || !appsecret) return legacyError(40035, '缺少参数 corpid or appkey');
	const app = fake.apps.find((a) => a.clientId === appkey && a.clientSecret === appsecret);
	if (!app) return legacyError(40096, '不合法的appKey或appSecret');
	const { token, ttl } = issue(fake, app);
	return { status: 200, body: { errcode: 0, errmsg: 'ok', access_token: token, expires_in: ttl } };
}
