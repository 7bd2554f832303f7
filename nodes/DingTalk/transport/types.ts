/** The parts of a DingTalk app the client needs, read from either credential type. */
export interface DingTalkAppConfig {
	clientId: string;
	clientSecret: string;
	robotCode: string;
	language: DingTalkLanguage;
	/** Base of the new OpenAPI (api.dingtalk.com): tokens, robot messages, cards, Stream gateway. */
	apiBaseUrl: string;
	/** Base of the legacy OpenAPI (oapi.dingtalk.com): users, departments, session webhooks. */
	legacyApiBaseUrl: string;
	/** Card updates per second this process may send for the app (its streaming budget); absent = DingTalk's 20. */
	cardUpdateRate?: number;
}

export type DingTalkLanguage = 'en' | 'zh-CN';

export const DEFAULT_API_BASE_URL = 'https://api.dingtalk.com';
export const DEFAULT_LEGACY_API_BASE_URL = 'https://oapi.dingtalk.com';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
	method: HttpMethod;
	url: string;
	qs?: Record<string, string | number | boolean>;
	headers?: Record<string, string>;
	body?: unknown;
	timeoutMs: number;
	/**
	 * Do not follow redirects: set for streamed bodies, which the redirect-following HTTP stack would otherwise copy
	 * whole into memory to be able to replay them.
	 */
	noRedirects?: boolean;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/**
 * Sends one HTTP request and resolves with whatever status came back; rejects only when no response arrived
 * (network error, timeout). Inside nodes it is backed by n8n's request helpers so proxy settings apply.
 */
export type HttpSender = (request: HttpRequest) => Promise<HttpResponse>;

/** Which of DingTalk's two API families a path belongs to: they differ in auth and in error format. */
export type ApiFamily = 'api' | 'legacy';

export interface RetryPolicy {
	/** Retries after the first attempt, for flow control, 5xx and (idempotent calls only) network errors. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	baseDelayMs: 1000,
	maxDelayMs: 10_000,
};
export const DEFAULT_TIMEOUT_MS = 30_000;
