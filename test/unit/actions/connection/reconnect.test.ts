import {
	CONNECTED_CASE_TIMEOUT_MS,
	connectionOperationCases,
	useActiveStreamTrigger,
	waitFor,
} from './cases';

describe('DingTalk → Connection → reconnect', () => connectionOperationCases('reconnect'));

describe('DingTalk → Connection → reconnect, with an active Stream trigger of the app', () => {
	const stream = useActiveStreamTrigger();

	it(
		'drops the socket, opens a new one at the gateway, and the trigger receives on it',
		async () => {
			const { fake, opens } = stream;
			await stream.activate();
			const [before] = fake.gateway.liveConnections();
			await stream.emittedFor(stream.push('before the reconnect'));
			expect(opens()).toHaveLength(1);

			expect(await stream.run('reconnect')).toMatchObject({
				found: true,
				instance: 'main',
				action: 'reconnect',
				clientId: fake.apps[0].clientId,
			});
			// The gateway sees a second open and a new socket; the old one is closed.
			const after = await waitFor(() =>
				fake.gateway.liveConnections().find((c) => c.id !== before.id),
			);
			expect(opens().map((r) => r.status)).toEqual([200, 200]);
			expect(fake.gateway.liveConnections()).toEqual([after]);
			expect(before.closedAt).toBeGreaterThanOrEqual(before.openedAt);

			// And the connection delivers again, on the new socket, ACKed there.
			const pushed = stream.push('after the reconnect');
			expect(await stream.emittedFor(pushed)).toMatchObject({ text: 'after the reconnect' });
			expect(
				fake.gateway.deliveries
					.filter((d) => d.messageId === pushed.messageId)
					.map((d) => d.connectionId),
			).toEqual([after.id]);
			await waitFor(() =>
				fake.gateway.acks.find(
					(a) => a.messageId === pushed.messageId && a.connectionId === after.id,
				),
			);
			expect(await stream.run('getStatus')).toMatchObject({
				found: true,
				state: 'connected',
				connected: true,
				reconnectCount: 1,
				subscribers: 1,
			});
		},
		CONNECTED_CASE_TIMEOUT_MS,
	);
});
