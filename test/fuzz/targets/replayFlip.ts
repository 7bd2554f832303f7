/**
 * The replay guard against someone holding the Callback Token (not the AES key) who replays captured encrypted
 * callbacks after flipping ciphertext bytes (CBC: the block garbles, the same byte of the next block flips, and the
 * event often still reads) and signing them again under fresh timestamps and nonces. The oracle, judged with the
 * independent reference (../reference.ts): no decrypted event runs twice within the timestamp window, where an
 * event is what it means (a card click: its card, who clicked and the clicked value; a robot message: its msgId);
 * every first delivery of an event runs; whatever runs is exactly what the reference decrypts. A guard that refuses
 * everything fails the second rule, and the target runs (accepts) at least ACCEPTED_SHARE of its inputs.
 */
import {
	HttpCallbackVerifier,
	type HttpCallbackRequest,
} from '../../../nodes/DingTalk/http/HttpCallbackVerifier';
import { check, type FuzzTarget, mustNotThrow, type Outcome } from '../harness';
import { ALNUM, type Rng } from '../prng';
import { refDecrypt, refEncrypt, refSignature } from '../reference';

/** The share of inputs in which at least one request runs (every input's first deliveries do, bar the noise ones). */
export const ACCEPTED_SHARE = 0.6;

const WINDOW_MS = 60 * 60 * 1000;
const AES_BLOCK = 16;

interface Settings {
	clientId: string;
	clientSecret: string;
	callbackToken: string;
	callbackAesKey: string;
}

/** A card click in DingTalk's field order (`extension` first, as its documented sample), or a robot message. */
function eventOf(rng: Rng, index: number): Record<string, unknown> {
	if (rng.chance(0.75)) {
		const value = JSON.stringify({
			cardPrivateData: {
				actionIds: [rng.pick(['approve', 'decline', 'like'])],
				params: { action: rng.pick(['approve', 'decline', 'like', 'end_session']), n: index },
			},
		});
		const click: Record<string, unknown> = {
			extension: '{}',
			corpId: `ding${rng.string(ALNUM, 8, 8)}`,
			spaceType: 'im',
			userIdType: 1,
			type: 'actionCallback',
			userId: `user${rng.int(3)}`,
			content: value,
			spaceId: `cid${rng.string(ALNUM, 4, 12)}==`,
			outTrackId: `track-${rng.int(4)}`,
		};
		if (rng.chance(0.7)) click.value = value;
		return click;
	}
	return {
		conversationId: `cid${rng.string(ALNUM, 4, 12)}==`,
		msgId: `msg${rng.string(ALNUM, 8, 16)}==`,
		msgtype: 'text',
		text: { content: rng.text(30) },
		conversationType: rng.pick(['1', '2']),
		senderStaffId: `user${rng.int(3)}`,
	};
}

/** What an event means, written here from dingtalk-protocol.md §2, independently of the package. */
function meaningOf(event: Record<string, unknown>): string {
	if (typeof event.outTrackId === 'string')
		return JSON.stringify(['card', event.outTrackId, event.userId, event.value ?? event.content]);
	return JSON.stringify(['message', event.msgId]);
}

function signed(rng: Rng, s: Settings, now: number, encrypt: string): HttpCallbackRequest {
	const timestamp = String(now - rng.int(WINDOW_MS - 60_000));
	const nonce = rng.string(ALNUM, 4, 16);
	return {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		query: {
			msg_signature: refSignature(s.callbackToken, timestamp, nonce, encrypt),
			timestamp,
			nonce,
		},
		body: { encrypt },
		bodyBytes: encrypt.length + 14,
	};
}

/** The token holder's edit: bytes of a captured ciphertext flipped, mostly in the first block's JSON-key bytes. */
function flipped(rng: Rng, encrypt: string): string {
	const bytes = Buffer.from(encrypt, 'base64');
	const flips = rng.chance(0.7) ? 1 : 1 + rng.int(3);
	for (let i = 0; i < flips; i++) {
		// Block 0's bytes 6-15 flip the JSON's bytes 2-11 (a key name); elsewhere it garbles whatever follows.
		const at = rng.chance(0.7) ? 6 + rng.int(AES_BLOCK - 6) : rng.int(bytes.length - AES_BLOCK);
		bytes[at] ^= rng.chance(0.5) ? 0x20 : 1 + rng.int(255);
	}
	return bytes.toString('base64');
}

export const replayFlipTarget: FuzzTarget = {
	name: 'replayFlip',
	minAcceptedShare: ACCEPTED_SHARE,
	run(rng: Rng): Outcome {
		const s: Settings = {
			clientId: `ding${rng.string(ALNUM, 8, 20)}`,
			clientSecret: rng.string(ALNUM, 32, 64),
			callbackToken: rng.string(ALNUM, 1, 32),
			callbackAesKey: rng.string(ALNUM, 43, 43),
		};
		const now = 1_700_000_000_000 + rng.int(100_000_000_000);
		const verifier = new HttpCallbackVerifier(s, () => now);
		const ran = new Map<string, number>();
		const captured: string[] = [];
		const log: unknown[] = [];
		let accepted = false;

		const send = (encrypt: string, firstDelivery: boolean) => {
			const request = signed(rng, s, now, encrypt);
			log.push({ encrypt, query: request.query, firstDelivery });
			const input = { settings: s, now, requests: log };
			const verdict = mustNotThrow(input, 'verify', () => verifier.verify(request));
			const plain = refDecrypt(s.callbackAesKey, encrypt);
			let event: Record<string, unknown> | undefined;
			try {
				const parsed =
					plain && plain.owner === s.clientId
						? JSON.parse(plain.message.toString('utf8'))
						: undefined;
				event = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
			} catch {
				event = undefined;
			}
			if (verdict.kind === 'callback') {
				check(event !== undefined, 'ran a callback the reference cannot decrypt and read', input);
				const meaning = meaningOf(event as Record<string, unknown>);
				check(
					JSON.stringify(verdict.callback.data) === JSON.stringify(event),
					'ran other data than the reference decrypts',
					input,
				);
				const before = ran.get(meaning);
				check(
					before === undefined || before + WINDOW_MS <= now,
					`an event ran twice within the timestamp window: ${meaning}`,
					input,
				);
				ran.set(meaning, Number(request.query.timestamp));
				accepted = true;
			}
			if (firstDelivery)
				check(
					verdict.kind === 'callback',
					`refused the first delivery of an event: ${verdict.kind === 'reject' ? `${verdict.status} ${verdict.reason}` : verdict.kind}`,
					input,
				);
		};

		const events = Array.from({ length: 1 + rng.int(4) }, (_, i) => eventOf(rng, i));
		const noiseOnly = rng.chance(0.15);
		for (const event of events) {
			const encrypt = refEncrypt(
				s.callbackAesKey,
				JSON.stringify(event),
				s.clientId,
				Buffer.from(rng.string(ALNUM, 16, 16)),
			);
			captured.push(encrypt);
			if (noiseOnly) continue;
			// Distinct meanings only count as first deliveries; a repeated one (same user, card, value) is a replay.
			const fresh = !ran.has(meaningOf(event));
			send(encrypt, fresh);
		}
		const replays = 1 + rng.int(6);
		for (let i = 0; i < replays; i++) {
			const source = rng.pick(captured);
			const choice = rng.int(10);
			// Mostly flips; sometimes the capture as it was, under a new timestamp and nonce.
			send(choice < 8 ? flipped(rng, source) : source, false);
		}
		return accepted ? 'accepted' : 'refused';
	},
};
