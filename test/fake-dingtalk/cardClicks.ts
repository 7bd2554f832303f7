import { robotSignature } from '../../nodes/DingTalk/crypto/CallbackCrypto';
import { DingTalkCallbackPusher } from './callbackPush';
import type { FakeDingTalk } from './FakeDingTalk';
import type { FakeCard } from './types';

/**
 * What the fake knows of card templates (built in DingTalk's card platform): the buttons and the callback params
 * each sends. DingTalk fills `${name}` in a param from the clicker's private data, then the card's public data
 * (UNCONFIRMED: the order, and what an unknown variable becomes; here, empty text).
 */
export interface FakeCardButton {
	/** The button's component ID, as DingTalk reports it in `actionIds`. */
	actionId: string;
	params: Record<string, string>;
}

export interface FakeCardTemplate {
	buttons: Record<string, FakeCardButton>;
}

/** The decision template README "Decision cards" tells builders to make, registered in every fake. */
export const DECISION_TEMPLATE_ID = 'fake-decision-template.schema';

export function decisionTemplate(): FakeCardTemplate {
	const params = (decision: string) => ({
		decision,
		decisionKey: '${decisionKey}',
		context: '${context}',
	});
	return {
		buttons: {
			approve: { actionId: 'decision_approve', params: params('approve') },
			refuse: { actionId: 'decision_refuse', params: params('refuse') },
		},
	};
}

/** One simulated click and what DingTalk got back for it (the ACK's `response` / the HTTP answer's body). */
export interface CardClick {
	outTrackId: string;
	userId: string;
	button: string;
	mode: 'stream' | 'http';
	/** Stream mode: the CALLBACK frame's messageId. */
	messageId?: string;
	/** HTTP mode: the answer's status. */
	status?: number;
	answer: unknown;
	at: number;
}

const VARIABLE = /^\$\{([A-Za-z0-9_]{1,64})\}$/;

function privateMapOf(card: FakeCard, userId: string): Record<string, string> {
	const privateData = card.privateData as
		| Record<string, { cardParamMap?: Record<string, string> } | undefined>
		| undefined;
	return privateData?.[userId]?.cardParamMap ?? {};
}

/** A button's params as DingTalk sends them for this user: `${name}` from private data, then card data, else ''. */
export function resolveParams(
	card: FakeCard,
	userId: string,
	params: Record<string, string>,
): Record<string, string> {
	const own = privateMapOf(card, userId);
	return Object.fromEntries(
		Object.entries(params).map(([key, value]) => {
			const name = VARIABLE.exec(value)?.[1];
			if (name === undefined) return [key, value];
			return [key, own[name] ?? card.cardData[name] ?? ''];
		}),
	);
}

/** The card callback DingTalk sends for the click (protocol notes §2.2, the official sample's fields). */
export function cardCallbackData(
	card: FakeCard,
	outTrackId: string,
	userId: string,
	button: FakeCardButton,
): Record<string, unknown> {
	const value = JSON.stringify({
		cardPrivateData: {
			actionIds: [button.actionId],
			params: resolveParams(card, userId, button.params),
		},
	});
	const [, spaceType = 'IM_ROBOT', spaceId = ''] =
		/^dtv1\.card\/\/(IM_GROUP|IM_ROBOT)\.(.+)$/.exec(card.openSpaceId) ?? [];
	return {
		extension: '{}',
		corpId: 'dingfakecorp0001',
		spaceType: spaceType === 'IM_GROUP' ? 'IM_GROUP' : 'im',
		userIdType: 1,
		type: 'actionCallback',
		userId,
		content: value,
		spaceId,
		outTrackId,
		value,
	};
}

/** What the card looks like after DingTalk applied a callback's answer (card data for all, private data per user). */
export function applyAnswer(card: FakeCard, userId: string, answer: unknown): void {
	if (typeof answer !== 'object' || answer === null) return;
	const { cardData, userPrivateData, cardUpdateOptions } = answer as {
		cardData?: { cardParamMap?: Record<string, string> };
		userPrivateData?: { cardParamMap?: Record<string, string> };
		cardUpdateOptions?: { updateCardDataByKey?: boolean; updatePrivateDataByKey?: boolean };
	};
	if (cardData?.cardParamMap)
		card.cardData =
			cardUpdateOptions?.updateCardDataByKey === false
				? { ...cardData.cardParamMap }
				: { ...card.cardData, ...cardData.cardParamMap };
	if (userPrivateData?.cardParamMap) {
		const all = (card.privateData ?? {}) as Record<
			string,
			{ cardParamMap: Record<string, string> }
		>;
		all[userId] = {
			cardParamMap:
				cardUpdateOptions?.updatePrivateDataByKey === false
					? { ...userPrivateData.cardParamMap }
					: { ...privateMapOf(card, userId), ...userPrivateData.cardParamMap },
		};
		card.privateData = all;
	}
}

/**
 * User `userId` clicks `button` on card `outTrackId`: the callback goes where the card was created to send it
 * (Stream: the app's connection; HTTP: `callbackUrl`, signed with the app's Client Secret as robot callbacks are),
 * the answer is recorded and applied to the card.
 */
export async function clickCard(
	fake: FakeDingTalk,
	opts: {
		outTrackId: string;
		userId: string;
		button: string;
		callbackUrl?: string;
		timeoutMs?: number;
	},
): Promise<CardClick> {
	const card = fake.cards.get(opts.outTrackId);
	if (!card) throw new Error(`no card ${opts.outTrackId}`);
	const template = fake.cardTemplates.get(card.cardTemplateId);
	const button = template?.buttons[opts.button];
	if (!button) throw new Error(`template ${card.cardTemplateId} has no button "${opts.button}"`);
	const app = fake.apps.find((a) => a.clientId === card.clientId) ?? fake.apps[0];
	const data = cardCallbackData(card, opts.outTrackId, opts.userId, button);
	const base = { outTrackId: opts.outTrackId, userId: opts.userId, button: opts.button };
	let click: CardClick;
	if (card.callbackType === 'STREAM') {
		const messageId = fake.gateway.pushCallback('/v1.0/card/instances/callback', data, {
			appId: app.clientId,
		});
		const ack = await fake.gateway.waitForAck(messageId, opts.timeoutMs);
		const response = (ack.data as { response?: unknown } | undefined)?.response ?? null;
		click = { ...base, mode: 'stream', messageId, answer: response, at: Date.now() };
	} else if (card.callbackType === 'HTTP') {
		if (!opts.callbackUrl) throw new Error('an HTTP-callback card needs the callbackUrl to click');
		const timestamp = String(Date.now());
		const answer = await DingTalkCallbackPusher.send(opts.callbackUrl, {
			method: 'POST',
			query: {},
			headers: {
				'content-type': 'application/json',
				timestamp,
				sign: robotSignature(app.clientSecret, timestamp),
			},
			body: JSON.stringify(data),
		});
		click = {
			...base,
			mode: 'http',
			status: answer.status,
			answer: answer.json ?? answer.text,
			at: Date.now(),
		};
	} else {
		throw new Error(`card ${opts.outTrackId} was sent without callbacks`);
	}
	applyAnswer(card, opts.userId, click.answer);
	fake.cardClicks.push(click);
	return click;
}
