/**
 * AI cards under DingTalk's flow control, end to end in a real n8n: N people @mention the bot in a group at once, the
 * shipped "streaming AI card" flow (workflows/xpert-dingtalk-ai-card.json, imported as is) answers each of them
 * through the fake Xpert AI into an AI card, and the fake DingTalk enforces its per-app limit of card streaming
 * updates (403 Forbidden.AccessDenied.QpsLimitForAppkeyAndApi, as DingTalk answers over it).
 *
 * For N = 100 and N = 300 it measures the same burst with the limit off (what n8n itself takes here) and on, and
 * reports: cards finished with the exact answer, failed, unfinished, duplicate runs, throttled / all streaming
 * requests, seconds to the last card, and the ideal (the larger of the limit-off burst and one answer's time + N ÷
 * rate). Goal at N = 100, 20/s: 100/100 exact, 0 failed, 0 unfinished, 0 duplicate runs, ≤ 5 % throttled, last card ≤
 * 1.5 × ideal; the process exits 1 when it is missed. N = 300 is reported only.
 * Run: npm run bench:cards (installs n8n on first use, like npm test). BENCH_CARDS_N=100,300 and BENCH_CARDS_RATE=20
 * change the bursts and the limit.
 */
import { readFileSync, rmSync } from 'fs';
import { cpus, loadavg } from 'os';
import * as path from 'path';

import { defaultFixture, FakeDingTalk, robotMessage } from '../test/fake-dingtalk';
import { FakeXpert } from '../test/fake-xpert';
import { waitFor } from '../test/harness/helpers';
import { ensureN8n, installIntoUserFolder, packPackage } from '../test/harness/install';
import { importCredentials, importWorkflows, runN8n } from '../test/harness/n8n';
import { E2E_DIR, PROJECT_ROOT, USER_FOLDER } from '../test/harness/paths';
import { N8nServer } from '../test/harness/server';

const SIZES = (process.env.BENCH_CARDS_N ?? '100,300').split(',').map(Number);
const RATE = Number(process.env.BENCH_CARDS_RATE ?? 20);
/** Between answer words: an answer of ~15 words takes about a second to write, as a model streams it. */
const TOKEN_DELAY_MS = 60;
const STREAMING = '/v1.0/card/streaming';
const GOAL = { n: 100, throttledShare: 0.05, ideal: 1.5 };

const fixture = defaultFixture();
const fake = new FakeDingTalk(fixture);
const xpert = new FakeXpert();
const server = new N8nServer();
const cardFlow = JSON.parse(
	readFileSync(path.join(PROJECT_ROOT, 'workflows', 'xpert-dingtalk-ai-card.json'), 'utf8'),
) as { id: string };

let burstNo = 0;

/** N messages at once (each from its own sender, so each is turn 1 of its own thread); waits until all settled. */
async function burst(n: number, limitOn: boolean) {
	const id = ++burstNo;
	fake.setQpsLimit(STREAMING, limitOn ? RATE : 0);
	const requestsBefore = fake.requests.length;
	const xpertBefore = xpert.requests.length;
	const asks = Array.from({ length: n }, (_, k) => ({
		sender: `bench${id}u${k}`,
		text: `Burst ${id} question ${k}: how do I book a meeting room?`,
	}));
	const startedAt = Date.now();
	const messageIds = asks.map(({ sender, text }) =>
		fake.gateway.pushCallback(
			'/v1.0/im/bot/messages/get',
			robotMessage(fake, { text, senderStaffId: sender, group: true, mention: true }),
		),
	);
	const cardOf = (text: string) =>
		[...fake.cards.values()].filter((c) => c.streams.some((s) => s.content.includes(`"${text}"`)));
	const deadlineMs = 120_000 + n * 1000;
	await waitFor(
		() => asks.every(({ text }) => cardOf(text).some((c) => c.finalized)),
		deadlineMs,
	).catch(() => undefined);
	// Every run is over when every message is ACKed (ACK Policy "After the Run Finished"): a failed run would leave its
	// message for redelivery, and its second run would show as a duplicate.
	await waitFor(() => messageIds.every((m) => !fake.gateway.unacked().includes(m)), 60_000).catch(
		() => undefined,
	);
	const requests = fake.requests.slice(requestsBefore);
	const streaming = requests.filter((r) => r.path === STREAMING);
	const finalAt = new Map<string, number>();
	for (const r of streaming) {
		const body = r.body as { outTrackId: string; isFinalize?: boolean };
		if (r.status === 200 && body.isFinalize) finalAt.set(body.outTrackId, r.at);
	}
	let exact = 0;
	let failed = 0;
	let unfinished = 0;
	let lastCardAt = startedAt;
	for (const { text } of asks) {
		const cards = cardOf(text);
		const card = cards[0];
		const answer = FakeXpert.answer(xpert.experts[0], text, 1);
		if (!card || !card.finalized) unfinished++;
		else if (card.failed) failed++;
		else if (card.fieldValues.content === answer) exact++;
		for (const [outTrackId, c] of fake.cards)
			if (cards.includes(c)) lastCardAt = Math.max(lastCardAt, finalAt.get(outTrackId) ?? 0);
	}
	const runs = xpert.requests
		.slice(xpertBefore)
		.filter((r) => /runs\/stream$/.test(r.path))
		.map((r) => JSON.stringify(r.body));
	const duplicateRuns = asks.reduce(
		(sum, { text }) =>
			sum + Math.max(0, runs.filter((b) => b.includes(JSON.stringify(text))).length - 1),
		0,
	);
	const throttled = streaming.filter((r) => r.status === 403).length;
	fake.setQpsLimit(STREAMING, 0);
	return {
		people: n,
		limit: limitOn ? `${RATE}/s` : 'off',
		exact,
		failed,
		unfinished,
		duplicateRuns,
		streamingRequests: streaming.length,
		throttled,
		throttledShare: streaming.length ? +(throttled / streaming.length).toFixed(3) : 0,
		secondsToLastCard: +((lastCardAt - startedAt) / 1000).toFixed(1),
	};
}

async function main() {
	if (!process.env.DINGTALK_N8N_USER_FOLDER)
		throw new Error('run this through `npm run bench:cards`');
	ensureN8n();
	rmSync(USER_FOLDER, { recursive: true, force: true });
	installIntoUserFolder(packPackage(path.join(E2E_DIR, 'bench-cards')), USER_FOLDER);
	await fake.start();
	await xpert.start();
	xpert.streamOptions = { tokenDelayMs: TOKEN_DELAY_MS };
	await importCredentials([
		{ id: 'dingtalkDemoCred', name: 'DingTalk', type: 'dingTalkStreamApi', data: fake.appConfig() },
		{ id: 'xpertDemoCred', name: 'Xpert AI', type: 'xpertAiApi', data: xpert.credentials() },
	]);
	await importWorkflows([cardFlow]);
	const published = await runN8n(['publish:workflow', `--id=${cardFlow.id}`]);
	if (published.code !== 0) throw new Error(published.stdout + published.stderr);
	const loadBefore = loadavg();
	await server.start();
	await server.setupOwner();
	await waitFor(() => fake.gateway.liveConnections().length === 1, 120_000);
	// n8n activates the flow in the background: ask until a card is finished.
	let asked = 0;
	await waitFor(() => {
		if ([...fake.cards.values()].some((c) => c.finalized)) return true;
		if (Date.now() - asked > 3000) {
			asked = Date.now();
			fake.gateway.pushCallback(
				'/v1.0/im/bot/messages/get',
				robotMessage(fake, {
					text: 'warm up',
					senderStaffId: 'warmup',
					group: true,
					mention: true,
				}),
			);
		}
		return false;
	}, 120_000);
	// One answer alone, limit off: what a single person waits for its card to finish.
	const solo = await burst(1, false);
	const results = [];
	for (const n of SIZES) {
		const limitOff = await burst(n, false);
		const limitOn = await burst(n, true);
		const ideal = Math.max(limitOff.secondsToLastCard, solo.secondsToLastCard + n / RATE);
		results.push({
			people: n,
			limitOff,
			limitOn,
			idealSeconds: +ideal.toFixed(1),
			lastCardVsIdeal: +(limitOn.secondsToLastCard / ideal).toFixed(2),
		});
	}
	const loadAfter = loadavg();
	await server.stop();
	const goalRow = results.find((r) => r.people === GOAL.n);
	const goalMet = goalRow
		? goalRow.limitOn.exact === GOAL.n &&
			goalRow.limitOn.failed === 0 &&
			goalRow.limitOn.unfinished === 0 &&
			goalRow.limitOn.duplicateRuns === 0 &&
			goalRow.limitOn.throttledShare <= GOAL.throttledShare &&
			goalRow.lastCardVsIdeal <= GOAL.ideal
		: undefined;
	console.log(
		JSON.stringify(
			{
				bench: 'cards',
				n8n: '2.41.1',
				flow: 'workflows/xpert-dingtalk-ai-card.json (as shipped)',
				rate: RATE,
				answerWordDelayMs: TOKEN_DELAY_MS,
				machine: {
					cpus: cpus().length,
					loadAverageBefore: loadBefore.map((l) => +l.toFixed(2)),
					loadAverageAfter: loadAfter.map((l) => +l.toFixed(2)),
				},
				soloAnswerSeconds: solo.secondsToLastCard,
				results,
				goal: `N=${GOAL.n}: ${GOAL.n}/${GOAL.n} exact, 0 failed, 0 unfinished, 0 duplicate runs, ≤ ${GOAL.throttledShare * 100} % throttled, last card ≤ ${GOAL.ideal} × ideal`,
				goalMet,
			},
			null,
			2,
		),
	);
	if (goalMet === false) process.exitCode = 1;
}

main()
	.catch((error) => {
		console.error(error);
		process.exitCode = 1;
	})
	.finally(async () => {
		// Bounded: the N = 300 run once printed its JSON and then stayed alive (a fake's close waiting on a socket).
		const stopped = Promise.all([server.stop(), fake.stop(), xpert.stop()]);
		await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
		process.exit();
	});
