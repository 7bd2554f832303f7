import { NodeOperationError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { acquireStreamConnection } from '../../../../nodes/DingTalk/stream/registry';
import { runNode } from '../../support/fakeExecuteContext';

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
