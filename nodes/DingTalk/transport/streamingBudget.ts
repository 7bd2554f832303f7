import { credentialIdentity } from './credentialIdentity';
import type { DingTalkAppConfig } from './types';

/**
 * DingTalk's card update rate per app (AI-card streaming and card updates): about 20 per second; over it DingTalk
 * answers 403 Forbidden.AccessDenied.QpsLimitForAppkeyAndApi and drops the update.
 */
export const DEFAULT_CARD_UPDATE_RATE = 20;
/** First pause of the whole budget after a flow-control answer (DingTalk's own fix waits 2 s); doubles up to the max. */
export const THROTTLE_PAUSE_MS = 2000;
export const MAX_THROTTLE_PAUSE_MS = 8000;
/** A throttle this long after the previous one starts the pause over at THROTTLE_PAUSE_MS. */
const THROTTLE_MEMORY_MS = 10_000;
/** The budget never slows below this share of its configured rate. */
const MIN_RATE_SHARE = 1 / 8;
/** Each update that gets through gives back this share of the configured rate (additive recovery). */
const RECOVERY_SHARE = 1 / 20;

export type SlotPriority = 'final' | 'intermediate';

/** A granted slot: when it was granted, so a flow-control answer to it is judged against the last slow-down. */
export interface Slot {
	grantedAt: number;
}

interface Waiter {
	resolve(slot: Slot | undefined): void;
	cleanup(): void;
}

/**
 * One app's budget of card updates in this process: a paced token bucket (one slot every 1/rate s, no burst beyond
 * one, so DingTalk's per-second window never sees more than the rate), shared by every card being typed and by the
 * DingTalk node's card operations. Final updates and explicit operations queue ahead of intermediate ones; both
 * queues are first come, first served. A flow-control answer pauses the whole budget (2 s, doubling while they keep
 * coming) and halves its rate; each update that gets through gives some rate back, up to the configured one.
 */
export class StreamingBudget {
	private rate: number;
	private nextAt = 0;
	private pausedUntil = 0;
	private pauseMs = THROTTLE_PAUSE_MS;
	private lastThrottleAt = Number.NEGATIVE_INFINITY;
	private readonly finals: Waiter[] = [];
	private readonly intermediates: Waiter[] = [];
	private timer?: ReturnType<typeof setTimeout>;
	/** Cards being typed with this budget now (AiCardTypist): two or more at once count as load. */
	private typing = 0;
	/** When the slots of the last second were granted (at most rate + 1 of them: slots are paced). */
	private readonly recent: number[] = [];
	/** Slots granted and flow-control answers reported, for the operator (and tests). */
	readonly stats = { granted: 0, throttled: 0 };

	constructor(
		private configuredRate: number,
		private readonly now: () => number = Date.now,
	) {
		this.configuredRate = validRate(configuredRate);
		this.rate = this.configuredRate;
	}

	get ratePerSecond(): number {
		return this.configuredRate;
	}

	/** The rate slots are handed out at now (below the configured one after flow control). */
	get currentRate(): number {
		return this.rate;
	}

	/**
	 * Under load: several cards are being typed, half the rate was used in the last second, someone waits for a slot,
	 * or DingTalk pushed back recently. Cards then space their updates out further.
	 */
	get busy(): boolean {
		const now = this.now();
		this.forgetOldSlots(now);
		return (
			this.typing > 1 ||
			this.recent.length >= this.rate / 2 ||
			this.finals.length + this.intermediates.length > 0 ||
			this.rate < this.configuredRate ||
			now < this.pausedUntil
		);
	}

	/**
	 * Anything that a fresh budget for the same app would not know of: a card being typed, a slot of the last second,
	 * a wait, or flow control not yet recovered from. Forgetting such a budget would pace the app twice.
	 */
	get inUse(): boolean {
		const now = this.now();
		this.forgetOldSlots(now);
		return (
			this.typing > 0 ||
			this.recent.length > 0 ||
			this.waiting > 0 ||
			this.rate < this.configuredRate ||
			now < this.pausedUntil
		);
	}

	get waiting(): number {
		return this.finals.length + this.intermediates.length;
	}

	/** A card starts being typed; the function returned says it is finished (calling it twice counts once). */
	startTyping(): () => void {
		this.typing++;
		let done = false;
		return () => {
			if (done) return;
			done = true;
			this.typing--;
		};
	}

	/** A credential edited to a new rate takes effect for the next slot. */
	setRate(ratePerSecond: number): void {
		const rate = validRate(ratePerSecond);
		if (rate === this.configuredRate) return;
		this.rate = Math.min(
			rate,
			Math.max(this.rate * (rate / this.configuredRate), rate * MIN_RATE_SHARE),
		);
		this.configuredRate = rate;
	}

	/**
	 * Waits for a slot. Resolves undefined, without a slot, when `signal` aborts or `deadline` (epoch ms) passes
	 * first: every wait has an end.
	 */
	async acquire(
		priority: SlotPriority,
		limits: { signal?: AbortSignal; deadline?: number } = {},
	): Promise<Slot | undefined> {
		const { signal, deadline } = limits;
		if (signal?.aborted) return undefined;
		if (deadline !== undefined && deadline <= this.now()) return undefined;
		const queue = priority === 'final' ? this.finals : this.intermediates;
		return await new Promise<Slot | undefined>((resolve) => {
			let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
			const leave = () => {
				const index = queue.indexOf(waiter);
				if (index >= 0) queue.splice(index, 1);
				waiter.cleanup();
				resolve(undefined);
				this.pump();
			};
			const waiter: Waiter = {
				resolve,
				cleanup: () => {
					clearTimeout(deadlineTimer);
					signal?.removeEventListener('abort', leave);
				},
			};
			queue.push(waiter);
			signal?.addEventListener('abort', leave, { once: true });
			if (deadline !== undefined) deadlineTimer = setTimeout(leave, deadline - this.now());
			this.pump();
		});
	}

	/**
	 * DingTalk answered a slot's update with flow control. Only the first answer of a wave slows the budget down:
	 * updates already in flight when it came belong to the same wave.
	 */
	throttled(slot: Slot): void {
		this.stats.throttled++;
		if (slot.grantedAt <= this.lastThrottleAt) return;
		const now = this.now();
		this.pauseMs =
			now - this.lastThrottleAt > THROTTLE_MEMORY_MS
				? THROTTLE_PAUSE_MS
				: Math.min(MAX_THROTTLE_PAUSE_MS, this.pauseMs * 2);
		this.lastThrottleAt = now;
		this.pausedUntil = now + this.pauseMs;
		this.rate = Math.max(this.configuredRate * MIN_RATE_SHARE, this.rate / 2);
		this.pump();
	}

	/** An update got through: give back some of the rate taken away by flow control. */
	succeeded(): void {
		if (this.rate < this.configuredRate)
			this.rate = Math.min(this.configuredRate, this.rate + this.configuredRate * RECOVERY_SHARE);
	}

	private forgetOldSlots(now: number): void {
		while (this.recent.length && now - this.recent[0] >= 1000) this.recent.shift();
	}

	private pump(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		for (;;) {
			const queue = this.finals.length ? this.finals : this.intermediates;
			if (!queue.length) return;
			const now = this.now();
			const at = Math.max(this.nextAt, this.pausedUntil);
			if (now < at) {
				this.timer = setTimeout(() => this.pump(), at - now);
				return;
			}
			const waiter = queue.shift() as Waiter;
			waiter.cleanup();
			this.nextAt = Math.max(now, this.nextAt) + 1000 / this.rate;
			this.stats.granted++;
			this.forgetOldSlots(now);
			this.recent.push(now);
			waiter.resolve({ grantedAt: now });
		}
	}
}

function validRate(rate: number): number {
	return Number.isFinite(rate) && rate > 0 ? rate : DEFAULT_CARD_UPDATE_RATE;
}

/** Budgets kept at most; beyond it, ones not in use are forgotten (oldest first): a forgotten budget starts afresh. */
const MAX_BUDGETS = 256;
const budgets = new Map<string, StreamingBudget>();

/**
 * The budget of an app in this process, keyed by the credential's identity (`credentialIdentity`, as tokens and
 * Stream connections are): copies of a credential share it, and a Client ID alone opens nobody else's budget.
 */
export function streamingBudgetFor(app: DingTalkAppConfig): StreamingBudget {
	const key = credentialIdentity(app);
	const rate = app.cardUpdateRate ?? DEFAULT_CARD_UPDATE_RATE;
	let budget = budgets.get(key);
	if (budget) {
		budget.setRate(rate);
		return budget;
	}
	if (budgets.size >= MAX_BUDGETS) {
		for (const [oldKey, old] of budgets) {
			if (budgets.size < MAX_BUDGETS) break;
			if (!old.inUse) budgets.delete(oldKey);
		}
	}
	budget = new StreamingBudget(rate);
	budgets.set(key, budget);
	return budget;
}

/** Forgets every budget (tests that need a fresh one per case). */
export function clearStreamingBudgets(): void {
	budgets.clear();
}
