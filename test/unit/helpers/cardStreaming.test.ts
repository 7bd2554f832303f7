import {
	AiCardTypist,
	BUSY_UPDATE_INTERVAL_MS,
	sendPaced,
	streamCardContent,
} from '../../../nodes/DingTalk/helpers/cardStreaming';
import { DingTalkApiError, DingTalkClient, axiosSender } from '../../../nodes/DingTalk/transport';
import {
	clearStreamingBudgets,
	streamingBudgetFor,
} from '../../../nodes/DingTalk/transport/streamingBudget';
import type { RecordedRequest } from '../../fake-dingtalk';
import { seedCard, useFakeDingTalk } from '../support/fakeServices';

const { fake } = useFakeDingTalk();
const STREAMING = '/v1.0/card/streaming';
const client = (cardUpdateRate?: number) =>
	new DingTalkClient({ ...fake.appConfig(), cardUpdateRate }, axiosSender);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bodyOf = (r: RecordedRequest) =>
	r.body as { outTrackId: string; content: string; isFinalize: boolean; isError: boolean };

beforeEach(() => {
	clearStreamingBudgets();
	fake.clearQpsLimits();
});

describe('the fake DingTalk under a QPS limit', () => {
	it("refuses an app's calls of a limited API beyond the limit per second with DingTalk's 403, and only those", async () => {
		seedCard(fake, 'c1');
		fake.setQpsLimit(STREAMING, 3);
		const c = client();
		const token = await c.getAccessToken();
		// Within one wall-clock second: start just after a second begins.
		await sleep(1000 - (Date.now() % 1000) + 5);
		const answers = await Promise.all(
			Array.from({ length: 5 }, async (_, n) => {
				const response = await fetch(`${fake.baseUrl}${STREAMING}`, {
					method: 'PUT',
					headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token },
					body: JSON.stringify({
						outTrackId: 'c1',
						key: 'content',
						content: `${n}`,
						guid: `g${n}`,
						isFull: true,
					}),
				});
				return { status: response.status, body: (await response.json()) as { code?: string } };
			}),
		);
		expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 403, 403]);
		expect(answers.find((a) => a.status === 403)?.body).toMatchObject({
			code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi',
			requestid: expect.any(String),
		});
		expect(fake.throttledRequests(STREAMING)).toHaveLength(2);
		// Another API of the same app is not limited.
		const other = await fetch(`${fake.baseUrl}/v1.0/card/instances`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token },
			body: JSON.stringify({ outTrackId: 'c1', cardData: { cardParamMap: {} } }),
		});
		expect(other.status).toBe(200);
	});
});

describe('AiCardTypist', () => {
	it('coalesces: a card that waits for its slot sends only its newest text, never the ones in between', async () => {
		seedCard(fake, 'c1');
		const typist = new AiCardTypist(client(1), { outTrackId: 'c1', key: 'content' }, 100);
		typist.show('A');
		await sleep(50);
		// The budget's next slot is a second away: these wait, and only the last one is sent.
		typist.show('A b');
		await sleep(300);
		typist.show('A b c');
		await sleep(300);
		typist.show('A b c d');
		await sleep(900);
		await typist.finish('A b c d e');
		expect(
			fake.requestsTo(STREAMING).map((r) => [bodyOf(r).content, bodyOf(r).isFinalize]),
		).toEqual([
			['A', false],
			['A b c d', false],
			['A b c d e', true],
		]);
		expect(typist.updates).toBe(3);
	});

	it('a throttled intermediate update never fails the answer: the next one carries its text, the final arrives', async () => {
		seedCard(fake, 'c1');
		fake.injectFault({ path: STREAMING, kind: 'flowControl', times: 1 });
		const typist = new AiCardTypist(client(), { outTrackId: 'c1', key: 'content' }, 100);
		typist.show('Hello');
		await sleep(100);
		expect(typist.throttled).toBe(1);
		expect(typist.failure).toBeUndefined();
		typist.show('Hello world');
		await typist.finish('Hello world!');
		expect(typist.failure).toBeUndefined();
		expect(fake.cards.get('c1')).toMatchObject({
			fieldValues: { content: 'Hello world!' },
			finalized: true,
			failed: false,
		});
		expect(fake.requestsTo(STREAMING).map((r) => r.status)).toEqual([
			403,
			...fake
				.requestsTo(STREAMING)
				.slice(1)
				.map(() => 200),
		]);
	});

	it('a refused final update is sent again at the next slots until it arrives', async () => {
		seedCard(fake, 'c1');
		const typist = new AiCardTypist(client(), { outTrackId: 'c1', key: 'content' }, 100);
		fake.injectFault({ path: STREAMING, kind: 'flowControl', times: 2 });
		await typist.finish('The whole answer');
		const calls = fake.requestsTo(STREAMING);
		expect(calls.map((r) => r.status)).toEqual([403, 403, 200]);
		expect(
			calls.every((r) => bodyOf(r).isFinalize && bodyOf(r).content === 'The whole answer'),
		).toBe(true);
		// The budget paused after each refusal (2 s, then 4 s): DingTalk was not hammered.
		expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1900);
		expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(3900);
		expect(fake.cards.get('c1')).toMatchObject({ finalized: true, failed: false });
	}, 20_000);

	it('a final update refused past its deadline fails with an error that says so', async () => {
		seedCard(fake, 'c1');
		fake.injectFault({ path: STREAMING, kind: 'flowControl', times: 100 });
		const typist = new AiCardTypist(client(), { outTrackId: 'c1', key: 'content' }, 100);
		const error = (await typist
			.finish('answer', {}, { deadlineMs: 2500 })
			.catch((e: unknown) => e)) as DingTalkApiError;
		expect(error).toBeInstanceOf(DingTalkApiError);
		expect(error.kind).toBe('flowControl');
		expect(error.code).toBe('Forbidden.AccessDenied.QpsLimitForAppkeyAndApi');
		expect(error.message).toMatch(
			/refused this card update for 3 s; the card may still show that it is typing/,
		);
		expect(fake.requestsTo(STREAMING).length).toBeLessThanOrEqual(3);
	});

	it("many cards at once under DingTalk's limit: every card ends exact, intermediate updates of one card ≥ 800 ms apart, almost nothing throttled", async () => {
		const rate = 5;
		fake.setQpsLimit(STREAMING, rate);
		// Three cards at 5 per second could each update every 600 ms; the budget is busy, so they keep 800 ms apart.
		const cards = Array.from({ length: 3 }, (_, n) => `burst-${n}`);
		for (const id of cards) seedCard(fake, id);
		const typists = cards.map(
			(id) => new AiCardTypist(client(rate), { outTrackId: id, key: 'content' }, 100),
		);
		const words = 'one two three four five six seven eight nine ten eleven twelve'.split(' ');
		await Promise.all(
			typists.map(async (typist, n) => {
				let text = '';
				for (const word of words) {
					text += `${word}${n} `;
					typist.show(text);
					await sleep(150);
				}
				await typist.finish(text.trim());
			}),
		);
		for (const [n, id] of cards.entries()) {
			expect(fake.cards.get(id)).toMatchObject({
				fieldValues: { content: words.map((w) => `${w}${n}`).join(' ') },
				finalized: true,
				failed: false,
			});
			const intermediate = fake
				.requestsTo(STREAMING)
				.filter((r) => bodyOf(r).outTrackId === id && !bodyOf(r).isFinalize && r.status === 200);
			const gaps = intermediate.slice(1).map((r, k) => r.at - intermediate[k].at);
			expect(gaps.length).toBeGreaterThanOrEqual(1);
			// Timed where the fake received them: allow for a loaded machine's delays between send and receipt.
			expect(gaps.every((gap) => gap >= BUSY_UPDATE_INTERVAL_MS - 150)).toBe(true);
		}
		const all = fake.requestsTo(STREAMING).length;
		expect(fake.throttledRequests(STREAMING).length).toBeLessThanOrEqual(Math.ceil(all * 0.05));
		expect(streamingBudgetFor(client(rate).app).waiting).toBe(0);
	}, 30_000);
});

describe('sendPaced', () => {
	it('passes any other DingTalk error straight through, without retrying it', async () => {
		const error = (await sendPaced(client(), async () => {
			throw new DingTalkApiError({
				code: 'invalidParameter.outTrackId.notExist',
				dingTalkMessage: '卡片实例不存在',
				kind: 'invalidRequest',
				endpoint: STREAMING,
			});
		}).catch((e: unknown) => e)) as DingTalkApiError;
		expect(error.code).toBe('invalidParameter.outTrackId.notExist');
	});

	it('Card → Stream Content shares the budget: an explicit update refused by flow control arrives at the next slot', async () => {
		seedCard(fake, 'c1');
		fake.injectFault({ path: STREAMING, kind: 'flowControl', times: 1 });
		await streamCardContent(client(), {
			outTrackId: 'c1',
			key: 'content',
			content: 'x',
			isFull: false,
			isFinalize: false,
			isError: false,
		});
		expect(fake.requestsTo(STREAMING).map((r) => r.status)).toEqual([403, 200]);
		expect(streamingBudgetFor(client().app).stats).toMatchObject({ throttled: 1 });
	});
});
