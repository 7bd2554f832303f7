import { type IDataObject, NodeOperationError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { acquireStreamConnection } from '../../../../nodes/DingTalk/stream/registry';
import { robotMessage } from '../../../fake-dingtalk';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';
import { type ActiveFakeTrigger, activateTrigger } from '../../support/fakeTriggerContext';
import { waitFor } from '../../../support/waitFor';

/** Where no Stream connection exists no request is made: the credential points at a port nothing listens on. */
const credentials = {
	clientId: 'dingnoconnection01',
	clientSecret: 'secret-never-sent',
	robotCode: '',
	apiBaseUrl: 'http://127.0.0.1:9',
	legacyApiBaseUrl: 'http://127.0.0.1:9',
};

/** The same cases for Get Status, Reconnect and Disconnect: with no trigger in this process, all say so. */
export function connectionOperationCases(
	operation: 'getStatus' | 'reconnect' | 'disconnect',
): void {
	const run = async (creds: Record<string, string>, items = 1) =>
		await runNode({
			node: new DingTalk(),
			items: Array.from({ length: items }, () => ({ json: {} })),
			parameters: { resource: 'connection', operation },
			credentials: { dingTalkStreamApi: creds },
			continueOnFail: true,
		});

	it('answers, per item, that this process holds no Stream connection for the app', async () => {
		const { output } = await run(credentials, 2);
		expect(output).toHaveLength(2);
		output.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject({
				found: false,
				clientId: 'dingnoconnection01',
				instance: 'main',
				state: 'none',
			});
			expect(item.json.message).toMatch(
				/No DingTalk Stream connection for app dingnoconnection01 in this n8n process/,
			);
		});
	});

	it("another user's credential with the app's Client ID and a made-up secret neither sees nor touches the app's connection; a copy of the credential does", async () => {
		const nobodyConnected = (await run({ ...credentials, clientSecret: 'made-up-secret' })).output;
		// The owner's trigger holds the connection (not connected: nothing here may reach the gateway).
		const owned = acquireStreamConnection(credentials, {
			openConnection: async () => await Promise.reject(new Error('never opened')),
		});
		const touched = [
			jest.spyOn(owned, 'disconnect'),
			jest.spyOn(owned, 'reconnect'),
			jest.spyOn(owned, 'status'),
		];
		try {
			const { output } = await run({ ...credentials, clientSecret: 'made-up-secret' });
			// The same answer as with no connection at all: it tells nothing about the owner's bot.
			expect(output).toEqual(nobodyConnected);
			for (const spy of touched) expect(spy).not.toHaveBeenCalled();
			const copy = await run({ ...credentials });
			expect(copy.output[0].json).toMatchObject({ found: true, clientId: 'dingnoconnection01' });
			expect(touched[2]).toHaveBeenCalled();
		} finally {
			owned.stop();
		}
	});

	it('refuses a credential that cannot work before any item, even under Continue On Fail', async () => {
		const error = await run({ ...credentials, robotCode: 'normal' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(/Robot Code is "normal"/);
	});
}

/**
 * A DingTalk Trigger (Stream mode) activated against the fake gateway, so the process holds a real Stream connection
 * for the app; the Connection operations run through the action node with the same credential.
 */
export function useActiveStreamTrigger() {
	const { fake, credentials } = useFakeDingTalk();
	const app = () => fake.apps[0];
	let trigger: ActiveFakeTrigger | undefined;
	const opens = () => fake.requestsTo('/v1.0/gateway/connections/open');

	beforeEach(() => {
		fake.gateway.reset();
		// A message pushed while nothing is connected is offered again this soon (real DingTalk: 16–60 s).
		fake.gateway.redeliveryMs = 100;
	});
	afterEach(async () => {
		await trigger?.close();
		trigger = undefined;
		await waitFor(() => fake.gateway.liveConnections(app().clientId).length === 0);
	}, CONNECTED_CASE_TIMEOUT_MS);

	return {
		fake,
		opens,
		/** Activates the trigger and waits until the gateway holds its socket. */
		activate: async (): Promise<ActiveFakeTrigger> => {
			trigger = await activateTrigger(credentials());
			await waitFor(() => fake.gateway.liveConnections(app().clientId).length === 1);
			return trigger;
		},
		/** Runs one Connection operation with the trigger's own credential; its single output item. */
		run: async (operation: 'getStatus' | 'reconnect' | 'disconnect'): Promise<IDataObject> => {
			const { output } = await runNode({
				node: new DingTalk(),
				parameters: { resource: 'connection', operation },
				credentials: { dingTalkStreamApi: credentials() },
			});
			expect(output).toHaveLength(1);
			return output[0].json;
		},
		/** Pushes a direct message to the bot: its msgId, and the gateway's messageId for the frame. */
		push: (text: string): { msgId: string; messageId: string } => {
			const message = robotMessage(fake, { text, senderStaffId: 'eng0001' });
			const messageId = fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message);
			return { msgId: message.msgId as string, messageId };
		},
		/** The trigger's item for a message, once it has been emitted. */
		emittedFor: async ({ msgId }: { msgId: string }): Promise<IDataObject> =>
			await waitFor(() => trigger?.emitted.find((item) => item.msgId === msgId)),
	};
}

/** A case with a live connection waits for the gateway several times (each wait has its own deadline). */
export const CONNECTED_CASE_TIMEOUT_MS = 30_000;

export { waitFor };
