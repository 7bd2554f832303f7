import { createHash, createHmac, timingSafeEqual } from 'crypto';

/**
 * Decision cards: who may decide. Card → Send Decision Card gives each listed approver, in the card's private data,
 * a key bound to the card, the approver and the card's context; the DingTalk Trigger recomputes it from the clicked
 * card's callback and decides only when it matches. Only someone holding the credential's Client Secret can make a
 * key, and one approver's key is worth nothing for another user, another card or another context.
 */

/** Every decision card's outTrackId starts with this: the trigger reads such clicks as decisions. */
export const DECISION_OUT_TRACK_PREFIX = 'decision-';

/** Bounds on what a click may carry (checked before any digest is computed over it). */
export const DECISION_LIMITS = {
	/** Characters of the context JSON (Send Decision Card refuses a larger one). */
	context: 16_000,
	/** Characters of a user ID (DingTalk's are at most 64). */
	userId: 128,
	/** Characters of an outTrackId (`decision-` and a UUID are 45). */
	outTrackId: 128,
	/** Characters of a presented key (a key is 43). */
	key: 128,
} as const;

/** The label of the one key this module derives from the Client Secret (so the secret itself signs nothing else). */
const KEY_LABEL = 'dingtalk-decision-card';

export function isDecisionOutTrackId(outTrackId: string): boolean {
	return outTrackId.startsWith(DECISION_OUT_TRACK_PREFIX);
}

/** Makes and checks approvers' keys for one credential; holds the derived key, not the Client Secret. */
export class DecisionKeys {
	private readonly key: Buffer;

	constructor(clientSecret: string) {
		this.key = createHmac('sha256', clientSecret).update(KEY_LABEL).digest();
	}

	/** base64url(HMAC-SHA-256(K, outTrackId + "\n" + userId + "\n" + contextJson)). */
	keyFor(outTrackId: string, userId: string, contextJson: string): string {
		return createHmac('sha256', this.key)
			.update(`${outTrackId}\n${userId}\n${contextJson}`)
			.digest('base64url');
	}

	/**
	 * Whether `presented` is this user's key for the card and context. Oversized or newline-carrying parts (which
	 * could shift the separators) never match; the comparison takes the same time wherever the keys differ.
	 */
	matches(outTrackId: string, userId: string, contextJson: string, presented: string): boolean {
		if (
			!presented ||
			presented.length > DECISION_LIMITS.key ||
			!userId ||
			userId.length > DECISION_LIMITS.userId ||
			outTrackId.length > DECISION_LIMITS.outTrackId ||
			contextJson.length > DECISION_LIMITS.context ||
			userId.includes('\n') ||
			outTrackId.includes('\n')
		)
			return false;
		// Digests of both sides have one length, so timingSafeEqual never sees (nor leaks) the presented length.
		const expected = createHash('sha256').update(this.keyFor(outTrackId, userId, contextJson));
		const given = createHash('sha256').update(presented);
		return timingSafeEqual(expected.digest(), given.digest());
	}
}
