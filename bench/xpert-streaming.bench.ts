/**
 * Xpert AI → Ask (Streaming): what the node adds between the expert's words and the AI card. Over N answers (100),
 * each 12 tokens 20 ms apart then a 600 ms pause before the stream ends (an expert that stops to think), measures at
 * the fake DingTalk: the expert's first token → first card update, and last token → first update showing the whole
 * answer (and → the final, finishing update). Baseline in the same run: a bare relay that parses the same stream and
 * PUTs every token at once (no update interval), i.e. the HTTP and parsing cost alone. Prints one JSON object.
 * Run: npx tsx bench/xpert-streaming.bench.ts (XPERT_BENCH_INTERVAL_MS sets the node's Update Interval, default 500)
 */
import { StringDecoder } from 'string_decoder';
import axios from 'axios';
import type { Readable } from 'stream';

import { execute as askStreaming } from '../nodes/XpertAi/actions/expert/askStreaming.operation';
import { SseParser, textOfXpertFrame } from '../nodes/XpertAi/transport/sse';
import { sendInput, xpertClientFor } from '../nodes/XpertAi/transport/xpertApi';
import { axiosSender, DingTalkClient } from '../nodes/DingTalk/transport';
import { defaultFixture, FakeDingTalk } from '../test/fake-dingtalk';
import { askStreamingContext, fakeAiCard, FakeXpert } from '../test/fake-xpert';
import { atMost, reportWithGoals } from './goals';

const ANSWERS = Number(process.env.XPERT_BENCH_ANSWERS ?? 100);
const ANSWER =
	'To reset your VPN password open the self-service portal, choose Forgot Password and follow the steps.';
const STREAM = { answer: ANSWER, tokenDelayMs: 20, tailPauseMs: 600 };
const UPDATE_INTERVAL_MS = Number(process.env.XPERT_BENCH_INTERVAL_MS ?? 500);

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const summary = (values: number[]) => ({
	p50: percentile(values, 50),
	p99: percentile(values, 99),
	max: Math.max(...values),
});

async function main() {
	const xpert = new FakeXpert();
	const dingTalk = new FakeDingTalk(defaultFixture());
	await xpert.start();
	await dingTalk.start();
	const thread = (
		await axios.post(
			`${xpert.baseUrl}/api/ai/threads`,
			{ assistant_id: 'xpert-helpdesk-0001' },
			{ headers: { 'x-api-key': xpert.apiKey } },
		)
	).data as { thread_id: string };
	const client = new DingTalkClient(dingTalk.appConfig(), axiosSender);

	const measure = async (label: string, answerOnce: (outTrackId: string) => Promise<void>) => {
		const first: number[] = [];
		const whole: number[] = [];
		const final: number[] = [];
		for (let n = 0; n < ANSWERS; n++) {
			const outTrackId = `${label}-${n}`;
			fakeAiCard(dingTalk, outTrackId);
			dingTalk.reset();
			fakeAiCard(dingTalk, outTrackId);
			xpert.streamOptions = STREAM;
			await answerOnce(outTrackId);
			const times = xpert.streamTimes;
			const updates = dingTalk
				.requestsTo('/v1.0/card/streaming')
				.map((r) => ({ at: r.at, body: r.body as { content: string; isFinalize: boolean } }));
			first.push(updates[0].at - (times.firstToken ?? 0));
			whole.push(updates.find((u) => u.body.content === ANSWER)!.at - (times.lastToken ?? 0));
			final.push(updates.find((u) => u.body.isFinalize)!.at - (times.lastToken ?? 0));
		}
		return {
			firstTokenToFirstUpdateMs: summary(first),
			lastTokenToWholeAnswerMs: summary(whole),
			lastTokenToFinalUpdateMs: summary(final),
		};
	};

	const bare = await measure('bare', async (outTrackId) => {
		const response = await axios.post(
			`${xpert.baseUrl}/api/ai/threads/${thread.thread_id}/runs/stream`,
			{ assistant_id: 'xpert-helpdesk-0001', input: sendInput('vpn') },
			{ headers: { 'x-api-key': xpert.apiKey }, responseType: 'stream', timeout: 30_000 },
		);
		const parser = new SseParser();
		const decoder = new StringDecoder('utf8');
		let answer = '';
		for await (const chunk of response.data as Readable) {
			for (const event of parser.push(decoder.write(chunk as Buffer)))
				answer += event.event === 'complete' ? '' : textOfXpertFrame(event.data).text;
			await client.api('PUT', '/v1.0/card/streaming', {
				outTrackId,
				key: 'content',
				content: answer,
				isFull: true,
				isFinalize: false,
				isError: false,
				guid: `g${Date.now()}`,
			});
		}
		await client.api('PUT', '/v1.0/card/streaming', {
			outTrackId,
			key: 'content',
			content: answer,
			isFull: true,
			isFinalize: true,
			isError: false,
			guid: `g${Date.now()}`,
		});
	});
	const node = await measure('node', async (outTrackId) => {
		const context = askStreamingContext(xpert, dingTalk, {
			message: 'vpn',
			outTrackId,
			options: { updateIntervalMs: UPDATE_INTERVAL_MS, timeout: 30 },
		});
		await askStreaming.call(context, xpertClientFor(context), 0);
	});
	await xpert.stop();
	await dingTalk.stop();
	const added = (key: keyof typeof node) => ({
		p50: node[key].p50 - bare[key].p50,
		p99: node[key].p99 - bare[key].p99,
	});
	const addedByNodeMs = {
		firstUpdate: added('firstTokenToFirstUpdateMs'),
		finalUpdate: added('lastTokenToFinalUpdateMs'),
		wholeAnswer: added('lastTokenToWholeAnswerMs'),
	};
	reportWithGoals(
		{
			answers: ANSWERS,
			stream: STREAM,
			updateIntervalMs: UPDATE_INTERVAL_MS,
			bare,
			node,
			addedByNodeMs,
		},
		// On the first and the final update; the whole answer shows within one update interval by design.
		[
			atMost('addedByNodeMs.firstUpdate.p99', addedByNodeMs.firstUpdate.p99, 300),
			atMost('addedByNodeMs.finalUpdate.p99', addedByNodeMs.finalUpdate.p99, 300),
		],
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
