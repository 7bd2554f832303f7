import {
	CONNECTED_CASE_TIMEOUT_MS,
	connectionOperationCases,
	useActiveStreamTrigger,
	waitFor,
} from './cases';

describe('DingTalk → Connection → disconnect', () => connectionOperationCases('disconnect'));

describe('DingTalk → Connection → disconnect, with an active Stream trigger of the app', () => {
	const stream = useActiveStreamTrigger();

	it(
		'closes the socket and delivers nothing until Reconnect; then the held message arrives on the new socket',
		async () => {
			const { fake, opens } = stream;
			const trigger = await stream.activate();
			const [before] = fake.gateway.liveConnections();
			await stream.emittedFor(stream.push('before the disconnect'));

			expect(await stream.run('disconnect')).toMatchObject({
				found: true,
				action: 'disconnect',
				state: 'stopped',
				connected: false,
				subscribers: 1,
			});
			// The gateway sees the socket close; the app has no socket left.
			await waitFor(() => before.closedAt !== undefined);
			expect(fake.gateway.liveConnections()).toHaveLength(0);
			expect(await stream.run('getStatus')).toMatchObject({ found: true, state: 'stopped' });

			// A message sent meanwhile: the gateway has nowhere to deliver it.
			const held = stream.push('while disconnected');
			const emittedWhileDown = trigger.emitted.length;
			expect(await stream.run('reconnect')).toMatchObject({ found: true, action: 'reconnect' });
			const after = await waitFor(() => fake.gateway.liveConnections()[0]);
			expect(after.id).not.toBe(before.id);
			expect(opens()).toHaveLength(2);
			// The held message arrives once, and only on the socket Reconnect opened: nothing reached the trigger while
			// it was disconnected.
			await stream.emittedFor(held);
			expect(trigger.emitted.slice(emittedWhileDown).map((item) => item.text)).toEqual([
				'while disconnected',
			]);
			expect(
				fake.gateway.deliveries
					.filter((d) => d.messageId === held.messageId)
					.map((d) => d.connectionId),
			).toEqual([after.id]);
		},
		CONNECTED_CASE_TIMEOUT_MS,
	);
});
