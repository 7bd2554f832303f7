import {
	httpStatusOf,
	n8nProcessRole,
	streamConnectionOf,
} from '../../../../nodes/DingTalk/actions/connection/lookup';
import { credentialIdentity } from '../../../../nodes/DingTalk/transport';

describe('Connection operations: where the Stream connection lives', () => {
	const app = { clientId: 'dingNoSuchApp', clientSecret: 's', apiBaseUrl: 'https://api.example' };
	const client = { app, identity: credentialIdentity(app) } as Parameters<
		typeof streamConnectionOf
	>[0];
	const noCallbackSecrets = { callbackToken: '', callbackAesKey: '' };
	it("knows n8n's process roles from its command line", () => {
		expect(n8nProcessRole(['node', 'n8n', 'worker', '--concurrency=5'])).toBe('worker');
		expect(n8nProcessRole(['node', 'n8n', 'webhook'])).toBe('webhook');
		expect(n8nProcessRole(['node', 'n8n', 'start'])).toBe('main');
		expect(n8nProcessRole(['node', 'n8n', 'execute', '--id=1'])).toBe('main');
	});
	it('on a queue-mode worker, says the connection is on the main instance and how to watch it', () => {
		expect(streamConnectionOf(client, 'worker')).toMatchObject({
			found: false,
			instance: 'worker',
			state: 'onMainInstance',
			message: expect.stringContaining('lives on the main instance'),
		});
		expect(streamConnectionOf(client, 'main')).toMatchObject({
			found: false,
			instance: 'main',
			state: 'none',
		});
	});
	it('HTTP mode on a queue-mode worker: the callbacks are served on main (or webhook processes), and how to look', () => {
		expect(httpStatusOf(client, noCallbackSecrets, 'worker')).toMatchObject({
			found: false,
			mode: 'http',
			instance: 'worker',
			state: 'onMainInstance',
			triggers: [],
			message: expect.stringContaining(
				'served by the main instance (or your n8n webhook processes)',
			),
		});
		// `n8n webhook` processes do serve callbacks: there, no trigger is a plain "none".
		expect(httpStatusOf(client, noCallbackSecrets, 'webhook')).toMatchObject({
			found: false,
			state: 'none',
		});
	});
});
