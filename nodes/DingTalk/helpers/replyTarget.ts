import type { IDataObject } from 'n8n-workflow';

/** Where a reply goes, read from a DingTalk Trigger event (flat item) or a raw robot callback payload. */
export interface ReplyTarget {
	conversationType: 'direct' | 'group';
	conversationId?: string;
	senderStaffId?: string;
	sessionWebhook?: string;
	sessionWebhookExpiredTime?: number;
}

export function replyTargetFromEvent(event: IDataObject): ReplyTarget | string {
	// The trigger keeps DingTalk's original payload under `raw`; accept either level.
	const raw = (typeof event.raw === 'object' && event.raw !== null ? event.raw : {}) as IDataObject;
	const field = (name: string) => event[name] ?? raw[name];
	const type = String(field('conversationType') ?? '').toLowerCase();
	const conversationType =
		type === '2' || type === 'group'
			? 'group'
			: type === '1' || type === 'direct'
				? 'direct'
				: undefined;
	if (!conversationType) {
		return 'The event has no conversationType: pass the DingTalk Trigger item (or its raw payload) to "Reply To Event"';
	}
	const text = (value: unknown) =>
		value === undefined || value === null || value === '' ? undefined : String(value);
	const expires = Number(field('sessionWebhookExpiredTime'));
	return {
		conversationType,
		conversationId: text(field('conversationId') ?? field('openConversationId')),
		senderStaffId: text(field('senderStaffId')),
		sessionWebhook: text(field('sessionWebhook')),
		sessionWebhookExpiredTime: Number.isFinite(expires) && expires > 0 ? expires : undefined,
	};
}

/** A session webhook is used while it has at least this long to live; later, the OpenAPI is safer. */
export const SESSION_WEBHOOK_MARGIN_MS = 10_000;

export function sessionWebhookUsable(target: ReplyTarget, now = Date.now()): boolean {
	if (!target.sessionWebhook) return false;
	return (
		target.sessionWebhookExpiredTime === undefined ||
		target.sessionWebhookExpiredTime - now > SESSION_WEBHOOK_MARGIN_MS
	);
}

/**
 * Only DingTalk's own hosts (as configured in the credential) may receive a reply: the URL comes from input data.
 * Returns the parsed URL, which is what must be requested: re-joining or re-parsing the raw text elsewhere may
 * resolve a different host (backslashes, userinfo, tabs, dot segments) than the one checked here.
 */
export function dingTalkWebhookUrl(url: string, baseUrls: string[]): URL | undefined {
	try {
		const parsed = new URL(url);
		// DingTalk's webhooks carry no userinfo; HTTP clients disagree on where such an authority ends.
		if (parsed.username || parsed.password) return undefined;
		return baseUrls.some((base) => new URL(base).origin === parsed.origin) ? parsed : undefined;
	} catch {
		return undefined;
	}
}
