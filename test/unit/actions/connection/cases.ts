import { NodeOperationError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
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

	it('refuses a credential that cannot work before any item, even under Continue On Fail', async () => {
		const error = await run({ ...credentials, robotCode: 'normal' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(/Robot Code is "normal"/);
	});
}
