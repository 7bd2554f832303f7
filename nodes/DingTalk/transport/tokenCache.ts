export interface IssuedToken {
	token: string;
	expiresInSeconds: number;
}

interface CachedToken {
	token: string;
	expiresAt: number;
}

/**
 * Access tokens per credential identity (`credentialIdentity`: another secret never reuses a token), shared by every
 * execution in this n8n process. A token is reused until shortly before it expires, and concurrent callers wait on
 * one fetch (single-flight) so 100 parallel items cost one token call.
 */
export class AccessTokenCache {
	private readonly tokens = new Map<string, CachedToken>();
	private readonly inflight = new Map<string, Promise<string>>();

	constructor(private readonly now: () => number = Date.now) {}

	async get(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
		const cached = this.tokens.get(key);
		if (cached && cached.expiresAt > this.now()) return cached.token;
		const pending = this.inflight.get(key);
		if (pending) return await pending;
		const fetching = (async () => {
			try {
				const issued = await fetchToken();
				this.tokens.set(key, {
					token: issued.token,
					expiresAt: this.now() + usableMs(issued.expiresInSeconds),
				});
				return issued.token;
			} finally {
				this.inflight.delete(key);
			}
		})();
		this.inflight.set(key, fetching);
		return await fetching;
	}

	/** Drops a token DingTalk refused, unless another caller already replaced it with a fresh one. */
	invalidate(key: string, token: string): void {
		if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
	}

	clear(): void {
		this.tokens.clear();
	}
}

/** Refresh 5 minutes before expiry (DingTalk tokens live 7200 s), or at half-life for unusually short tokens. */
function usableMs(expiresInSeconds: number): number {
	const lifetimeMs = Math.max(0, expiresInSeconds) * 1000;
	return Math.max(0, lifetimeMs - Math.min(300_000, lifetimeMs / 2));
}

/** The one cache of this process: n8n loads the package once, so every execution and node shares it. */
export const sharedTokenCache = new AccessTokenCache();
