import { credentialIdentity } from './credentialIdentity';
import { DingTalkApiError, interpretResponse } from './errors';
import { retryDelayMs, sleep } from './retry';
import { AccessTokenCache, type IssuedToken, sharedTokenCache } from './tokenCache';
import {
	type ApiFamily,
	DEFAULT_RETRY_POLICY,
	DEFAULT_TIMEOUT_MS,
	type DingTalkAppConfig,
	type HttpMethod,
	type HttpSender,
	type RetryPolicy,
} from './types';

import { redactSecrets } from '../../shared/redact';
import { withoutTrailingSlashes } from '../../shared/url';

export interface DingTalkClientOptions {
	retry?: RetryPolicy;
	timeoutMs?: number;
	tokenCache?: AccessTokenCache;
	sleep?: (ms: number) => Promise<void>;
}

export interface CallOptions {
	qs?: Record<string, string | number | boolean>;
	/** Safe to repeat after a network error or timeout (reads). Sends are not: they may have been delivered. */
	idempotent?: boolean;
	/** Not idempotent, but a repeat after a server error does no harm (the first attempt's effect is unused). */
	repeatAfterServerError?: boolean;
	/** Replace the JSON Content-Type (a multipart upload names its boundary here). */
	headers?: Record<string, string>;
	/**
	 * The caller paces this call itself (a StreamingBudget): a flow-control answer comes straight back to it instead
	 * of being retried here, so the budget decides when to try again.
	 */
	paced?: boolean;
}

interface Call extends CallOptions {
	family: ApiFamily;
	method: HttpMethod;
	/** A path under the family's base URL, or a full URL (session webhooks). */
	path: string;
	/** A value, or a factory for one per attempt: a streamed body can be read only once, and a retry needs a new one. */
	body?: unknown;
	authenticated: boolean;
}

/**
 * The one DingTalk client: access tokens (cached per app, single-flight, refreshed once on an invalid-token
 * answer), both error formats turned into DingTalkApiError, bounded retries with backoff for flow control and
 * 5xx, a timeout on every call, and no secret in any error it raises.
 */
export class DingTalkClient {
	private readonly retry: RetryPolicy;
	private readonly timeoutMs: number;
	private readonly tokens: AccessTokenCache;
	private readonly sleep: (ms: number) => Promise<void>;
	/** The credential's identity (`credentialIdentity`): the key of its token and of its Stream connection. */
	readonly identity: string;

	constructor(
		readonly app: DingTalkAppConfig,
		private readonly send: HttpSender,
		options: DingTalkClientOptions = {},
	) {
		this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.tokens = options.tokenCache ?? sharedTokenCache;
		this.sleep = options.sleep ?? sleep;
		this.identity = credentialIdentity(app);
	}

	/** Calls the new OpenAPI (api.dingtalk.com) with the token in `x-acs-dingtalk-access-token`. */
	async api<T = Record<string, unknown>>(
		method: HttpMethod,
		path: string,
		body?: unknown,
		options: CallOptions = {},
	) {
		return await this.call<T>({
			...options,
			family: 'api',
			method,
			path,
			body,
			authenticated: true,
		});
	}

	/** Calls the legacy OpenAPI (oapi.dingtalk.com) with the token in the `access_token` query parameter. */
	async legacy<T = Record<string, unknown>>(
		method: HttpMethod,
		path: string,
		body?: unknown,
		options: CallOptions = {},
	) {
		return await this.call<T>({
			...options,
			family: 'legacy',
			method,
			path,
			body,
			authenticated: true,
		});
	}

	/**
	 * Posts to a conversation's session webhook (its URL carries its own authorisation). Takes the URL object whose
	 * host was checked and requests exactly its serialization.
	 */
	async postToSessionWebhook(webhookUrl: URL, body: unknown): Promise<void> {
		await this.call({
			family: 'legacy',
			method: 'POST',
			path: webhookUrl.href,
			body,
			authenticated: false,
		});
	}

	/**
	 * Calls the new OpenAPI without an access token: for the endpoints that take the app's Client ID and Secret in
	 * the body instead (the Stream gateway's connections/open).
	 */
	async withoutToken<T = Record<string, unknown>>(
		method: HttpMethod,
		path: string,
		body?: unknown,
		options: CallOptions = {},
	) {
		return await this.call<T>({
			...options,
			family: 'api',
			method,
			path,
			body,
			authenticated: false,
		});
	}

	async getAccessToken(): Promise<string> {
		return await this.tokens.get(this.identity, async () => await this.fetchAccessToken());
	}

	/** Fetches a new token, bypassing the cache: what the credential test uses to prove Client ID and Secret. */
	async fetchAccessToken(): Promise<IssuedToken> {
		try {
			const answer = await this.call<{ accessToken?: string; expireIn?: number }>({
				family: 'api',
				method: 'POST',
				path: '/v1.0/oauth2/accessToken',
				body: { appKey: this.app.clientId, appSecret: this.app.clientSecret },
				authenticated: false,
				idempotent: true,
			});
			return issuedToken(answer.accessToken, answer.expireIn, '/v1.0/oauth2/accessToken');
		} catch (error) {
			// Deployments without the new OpenAPI still serve the legacy token endpoint; the token works for both.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no n8n context here; callers convert it
			if (!(error instanceof DingTalkApiError) || error.httpStatus !== 404) throw error;
			const legacy = await this.call<{ access_token?: string; expires_in?: number }>({
				family: 'legacy',
				method: 'GET',
				path: '/gettoken',
				qs: { appkey: this.app.clientId, appsecret: this.app.clientSecret },
				authenticated: false,
				idempotent: true,
			});
			return issuedToken(legacy.access_token, legacy.expires_in, '/gettoken');
		}
	}

	private async call<T>(call: Call): Promise<T> {
		let refreshedToken = false;
		for (let attempt = 0; ; attempt++) {
			const token = call.authenticated ? await this.getAccessToken() : undefined;
			let error: DingTalkApiError | undefined;
			let body: unknown;
			try {
				const response = await this.send({
					method: call.method,
					url: this.urlFor(call),
					qs: call.family === 'legacy' && token ? { ...call.qs, access_token: token } : call.qs,
					headers: {
						'Content-Type': 'application/json',
						Accept: 'application/json',
						...(call.family === 'api' && token ? { 'x-acs-dingtalk-access-token': token } : {}),
						...call.headers,
					},
					body: typeof call.body === 'function' ? (call.body as () => unknown)() : call.body,
					timeoutMs: this.timeoutMs,
					noRedirects: typeof call.body === 'function',
				});
				body = response.body;
				// DingTalk (or whatever answers at its URL) may echo the secret or token it was sent.
				error = interpretResponse(
					call.family,
					endpointOf(call.path),
					response.status,
					body,
					response.headers,
				)?.redacted([this.app.clientSecret, token, ...querySecretsOf(call.path)]);
			} catch (cause) {
				error = this.networkError(cause, call.path, token);
				if (!call.idempotent || attempt >= this.retry.maxRetries) throw error;
				await this.sleep(retryDelayMs(attempt, this.retry));
				continue;
			}
			if (!error) return body as T;
			if (error.kind === 'invalidToken' && token && !refreshedToken) {
				// An expired or revoked token: drop it and try once more with a fresh one (not counted as a retry).
				this.tokens.invalidate(this.identity, token);
				refreshedToken = true;
				attempt--;
				continue;
			}
			if (call.paced && error.kind === 'flowControl') throw error;
			// Flow control refuses before anything is done; a server error may come after the send was carried out,
			// so only a call that is safe to repeat is tried again (a second message, to-do or approval is worse).
			if (error.kind === 'server' && !call.idempotent && !call.repeatAfterServerError) throw error;
			if (!error.retryable || attempt >= this.retry.maxRetries) throw error;
			await this.sleep(retryDelayMs(attempt, this.retry, error.retryAfterSeconds));
		}
	}

	private urlFor(call: Call): string {
		if (/^https?:\/\//i.test(call.path)) return call.path;
		const base = call.family === 'api' ? this.app.apiBaseUrl : this.app.legacyApiBaseUrl;
		return `${withoutTrailingSlashes(base)}${call.path}`;
	}

	private networkError(cause: unknown, path: string, token?: string): DingTalkApiError {
		const raw = cause as { code?: string; message?: string };
		const timedOut =
			raw?.code === 'ECONNABORTED' ||
			raw?.code === 'ETIMEDOUT' ||
			/timeout/i.test(raw?.message ?? '');
		return new DingTalkApiError({
			code: timedOut ? 'TIMEOUT' : (raw?.code ?? 'NETWORK'),
			dingTalkMessage: redactSecrets(
				timedOut
					? `No answer from DingTalk within ${this.timeoutMs} ms`
					: (raw?.message ?? 'network error'),
				[this.app.clientSecret, token, ...querySecretsOf(path)],
			),
			kind: 'network',
			endpoint: endpointOf(path),
		});
	}
}

function issuedToken(
	token: string | undefined,
	expiresIn: number | undefined,
	endpoint: string,
): IssuedToken {
	if (!token) {
		throw new DingTalkApiError({
			code: 'INVALID_RESPONSE',
			dingTalkMessage: 'The token endpoint answered without an access token',
			kind: 'invalidResponse',
			endpoint,
		});
	}
	return { token, expiresInSeconds: Number(expiresIn ?? 7200) };
}

/** A session webhook's query values authorise it: they are secrets too. */
function querySecretsOf(pathOrUrl: string): string[] {
	return /^https?:\/\//i.test(pathOrUrl) ? [...new URL(pathOrUrl).searchParams.values()] : [];
}

/** The path part of a URL or path: what errors may show (a session webhook's query is a credential). */
export function endpointOf(pathOrUrl: string): string {
	const path = /^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
	return path.split('?')[0];
}
