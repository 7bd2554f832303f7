/**
 * Notify 1,000 users: DingTalk calls made by Message → Send to Users' sending code vs the minimum
 * (⌈1000 / 20⌉ sends + 1 token), with and without injected flow control, and against a naive baseline
 * (one send per user, as a per-user HTTP Request loop would do) measured in the same run.
 * Prints one JSON object. Run: npm run bench
 */
import { sendUserMessages } from '../nodes/DingTalk/actions/message/send';
import { MAX_USERS_PER_SEND } from '../nodes/DingTalk/api/robot';
import { AccessTokenCache, axiosSender, DingTalkClient } from '../nodes/DingTalk/transport';
import { defaultFixture, FakeDingTalk } from '../test/fake-dingtalk';
import { atLeast, atMost, reportWithGoals } from './goals';

const USERS = 1000;
const template = {
	msgKey: 'sampleText',
	msgParam: JSON.stringify({ content: 'Maintenance tonight at 22:00' }),
};

async function main() {
	const fixture = defaultFixture();
	const known = fixture.users.map((u) => u.userid);
	// The fake knows a dozen users; the rest come back as invalid, which costs the same calls.
	const userIds = Array.from({ length: USERS }, (_, i) =>
		i < known.length ? known[i] : `bench-user-${i}`,
	);
	const fake = new FakeDingTalk(fixture);
	await fake.start();
	const newClient = () =>
		new DingTalkClient(fake.appConfig(), axiosSender, {
			tokenCache: new AccessTokenCache(),
			retry: { maxRetries: 5, baseDelayMs: 20, maxDelayMs: 200 },
		});
	const minimumCalls = Math.ceil(USERS / MAX_USERS_PER_SEND) + 1;

	const measure = async (label: string, work: () => Promise<number>) => {
		fake.reset();
		const started = process.hrtime.bigint();
		const delivered = await work();
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		const calls = fake.requests.length;
		return {
			label,
			calls,
			minimumCalls,
			callsVsMinimum: +(calls / minimumCalls).toFixed(3),
			ms: +ms.toFixed(1),
			accountedUsers: delivered,
		};
	};

	const naive = await measure('naive: one send per user', async () => {
		const client = newClient();
		let accounted = 0;
		for (const id of userIds) {
			const r = await sendUserMessages(client, [id], template);
			accounted += r.sentUserIds.length + r.invalidUserIds.length + r.flowControlledUserIds.length;
		}
		return accounted;
	});
	const batched = await measure('Send to Users (batches of 20)', async () => {
		const r = await sendUserMessages(newClient(), userIds, template);
		return r.sentUserIds.length + r.invalidUserIds.length + r.flowControlledUserIds.length;
	});
	const throttled = await measure(
		'Send to Users with 10 injected flow-control answers',
		async () => {
			// Five bursts of two refusals, spread over the 50 sends.
			for (const after of [0, 10, 20, 30, 40])
				fake.injectFault({
					path: '/v1.0/robot/oToMessages/batchSend',
					kind: 'flowControl',
					times: 2,
					after,
				});
			const r = await sendUserMessages(newClient(), userIds, template);
			return r.sentUserIds.length + r.invalidUserIds.length + r.flowControlledUserIds.length;
		},
	);
	await fake.stop();
	reportWithGoals(
		{
			benchmark: 'notify-1000-users',
			users: USERS,
			results: [naive, batched, throttled],
			ratios: {
				batchedCallsVsNaive: +(batched.calls / naive.calls).toFixed(4),
				batchedTimeVsNaive: +(batched.ms / naive.ms).toFixed(4),
				throttledCallsVsMinimum: throttled.callsVsMinimum,
			},
		},
		[
			// ⌈1000 / 20⌉ sends + 1 token: not one call more.
			atMost('batched.callsVsMinimum', batched.callsVsMinimum, 1),
			// Every user is accounted for (sent, invalid or flow-controlled), with and without flow control.
			atLeast('batched.accountedUsers', batched.accountedUsers, USERS),
			atLeast('throttled.accountedUsers', throttled.accountedUsers, USERS),
		],
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
