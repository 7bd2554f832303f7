import { DecisionKeys } from '../crypto/decisionKey';
import { credentialIdentity } from '../transport/credentialIdentity';

/**
 * Which decision cards were decided, and by whom: the trigger's guard against a second decision. One store per n8n
 * main process (triggers run there, in queue mode too), shared by every trigger, each card keyed by the credential
 * identity that sent it plus its outTrackId, so a second user of this n8n with the same Client ID but another
 * secret neither sees nor blocks these decisions. Bounded in count and age; empty after a restart (DingTalk's
 * refusal of an approval task already done is then the second guard).
 *
 * One click (one delivery) may run several workflows (every Card Callback trigger of the app gets every click), so a
 * claim belongs to a delivery: the same delivery is admitted again (another workflow, or DingTalk's redelivery after
 * a failed run), any other click is answered with the decision. A decision is recorded when a run for it succeeds;
 * when every run of its delivery failed it is forgotten, so the approver may click again.
 */

export type DecisionChoice = 'approve' | 'refuse';

export interface DecisionRecord {
	decision: DecisionChoice;
	decidedBy: string;
	/** What the card shows: the run's own text when it answered with one, else decisionStatusText. */
	statusText: string;
}

export type DecisionClaim =
	| {
			run: true;
			/** The run's outcome (once per claim); `statusText` is what the run's answer showed, if any. */
			settle: (ok: boolean, statusText?: string) => void;
	  }
	| { run: false; decided: DecisionRecord };

interface Entry extends DecisionRecord {
	deliveryId: string;
	state: 'inFlight' | 'decided';
	/** Runs of the delivery still going. */
	holders: number;
	at: number;
}

/** Every store of this process is full of decisions in flight: the click is left for DingTalk to deliver again. */
export class DecisionsFullError extends Error {
	constructor() {
		super('too many decisions in flight');
	}
}

export const DECISION_STORE_LIMITS = {
	entries: 10_000,
	/** A decided card is remembered this long (its card may be clicked days later). */
	ageMs: 30 * 24 * 3600_000,
} as const;

export function decisionStatusText(decision: DecisionChoice, userId: string): string {
	return decision === 'approve'
		? `Approved by ${userId}. 已由 ${userId} 批准。`
		: `Refused by ${userId}. 已由 ${userId} 拒绝。`;
}

export const NOT_AN_APPROVER_NOTICE =
	'Only the listed approvers can decide this request. 只有指定的审批人可以处理此申请。';

export function alreadyDecidedNotice(userId: string): string {
	return `Already decided by ${userId}. 已由 ${userId} 处理。`;
}

export class Decisions {
	private readonly entries = new Map<string, Entry>();

	constructor(
		private readonly maxEntries: number = DECISION_STORE_LIMITS.entries,
		private readonly maxAgeMs: number = DECISION_STORE_LIMITS.ageMs,
		private readonly now: () => number = Date.now,
	) {}

	get size(): number {
		return this.entries.size;
	}

	claim(
		scope: string,
		outTrackId: string,
		deliveryId: string,
		record: Omit<DecisionRecord, 'statusText'>,
	): DecisionClaim {
		// JSON: no scope or outTrackId containing a separator reads as another split of the same text.
		const key = JSON.stringify([scope, outTrackId]);
		let entry = this.entries.get(key);
		if (entry && entry.state === 'decided' && this.now() - entry.at > this.maxAgeMs) {
			this.entries.delete(key);
			entry = undefined;
		}
		if (entry && entry.deliveryId !== deliveryId) {
			const { decision, decidedBy, statusText } = entry;
			return { run: false, decided: { decision, decidedBy, statusText } };
		}
		if (!entry) {
			if (this.entries.size >= this.maxEntries) this.prune();
			if (this.entries.size >= this.maxEntries) throw new DecisionsFullError();
			entry = {
				...record,
				statusText: decisionStatusText(record.decision, record.decidedBy),
				deliveryId,
				state: 'inFlight',
				holders: 0,
				at: this.now(),
			};
			this.entries.set(key, entry);
		}
		const held = entry;
		held.holders++;
		let settled = false;
		return {
			run: true,
			settle: (ok, statusText) => {
				if (settled) return;
				settled = true;
				held.holders--;
				if (ok) {
					held.state = 'decided';
					held.at = this.now();
					if (statusText) held.statusText = statusText;
					// Map order is age order for pruning: a decision moves to the end when it is made.
					this.entries.delete(key);
					this.entries.set(key, held);
				} else if (held.state === 'inFlight' && held.holders === 0) {
					if (this.entries.get(key) === held) this.entries.delete(key);
				}
			},
		};
	}

	/** Oldest first: expired decisions, then decided ones beyond 90 % of the bound; decisions in flight stay. */
	private prune(): void {
		const now = this.now();
		const target = Math.floor(this.maxEntries * 0.9);
		for (const [key, entry] of this.entries) {
			if (entry.state !== 'decided') continue;
			if (this.entries.size > target || now - entry.at > this.maxAgeMs) this.entries.delete(key);
		}
	}
}

/** The store of this process. */
export const processDecisions = new Decisions();

/** What a trigger needs to decide decision-card clicks: the store's scope (its credential's identity) and its keys. */
export interface DecisionGate {
	scope: string;
	keys: DecisionKeys;
	/** The process's store unless given (tests). */
	store?: Decisions;
}

/** The gate of a trigger's credential (the Client Secret signs the keys; the identity scopes the store). */
export function decisionGateOf(app: {
	apiBaseUrl: string;
	clientId: string;
	clientSecret: string;
}): DecisionGate {
	return { scope: credentialIdentity(app), keys: new DecisionKeys(app.clientSecret) };
}
