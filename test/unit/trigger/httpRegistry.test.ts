import { DEFAULT_PIPELINE_OPTIONS } from '../../../nodes/DingTalk/pipeline/options';
import type { DingTalkAppConfig } from '../../../nodes/DingTalk/transport';
import { HttpCallbackReceiver } from '../../../nodes/DingTalk/trigger/HttpCallbackReceiver';
import {
	activeHttpTrigger,
	forgetHttpTrigger,
	handOverTestItem,
	httpTriggerIdentity,
	httpTriggerStatuses,
	type HttpTriggerSettings,
	SETTINGS_TTL_MS,
	takeTestItem,
} from '../../../nodes/DingTalk/trigger/httpRegistry';

const app = { clientId: 'ding-app', clientSecret: 'secret-1', language: 'en' } as DingTalkAppConfig;
const callback = {
	clientId: 'ding-app',
	clientSecret: 'secret-1',
	callbackToken: 'token',
	callbackAesKey: '',
};

/** A settings reader that counts its calls and answers what `current` holds at the time. */
function reader(initial: HttpTriggerSettings) {
	const state = { current: initial, reads: 0 };
	const read = async () => {
		state.reads++;
		return state.current;
	};
	return { state, read };
}

describe('HTTP-mode registry', () => {
	let seq = 0;
	let key: string;
	beforeEach(() => {
		jest.useFakeTimers();
		key = `workflow|node-${++seq}|production`;
	});
	afterEach(() => {
		forgetHttpTrigger(key);
		jest.useRealTimers();
		jest.restoreAllMocks();
	});

	it("reads a node's settings at most once per SETTINGS_TTL_MS and keeps its receiver while they are unchanged", async () => {
		const { state, read } = reader({ app, callback, options: DEFAULT_PIPELINE_OPTIONS });
		const first = await activeHttpTrigger(key, read);
		expect((await activeHttpTrigger(key, read)).receiver).toBe(first.receiver);
		expect(state.reads).toBe(1);
		jest.advanceTimersByTime(SETTINGS_TTL_MS);
		expect((await activeHttpTrigger(key, read)).receiver).toBe(first.receiver);
		expect(state.reads).toBe(2);
	});

	it('replaces (and closes) the receiver once a re-read finds another secret or option', async () => {
		const close = jest.spyOn(HttpCallbackReceiver.prototype, 'close');
		const { state, read } = reader({ app, callback, options: DEFAULT_PIPELINE_OPTIONS });
		const first = await activeHttpTrigger(key, read);
		state.current = {
			app,
			callback: { ...callback, clientSecret: 'secret-2' },
			options: DEFAULT_PIPELINE_OPTIONS,
		};
		expect((await activeHttpTrigger(key, read)).receiver).toBe(first.receiver);
		jest.advanceTimersByTime(SETTINGS_TTL_MS);
		const second = await activeHttpTrigger(key, read);
		expect(second.receiver).not.toBe(first.receiver);
		expect(close).toHaveBeenCalledTimes(1);
		state.current = {
			...state.current,
			options: { ...DEFAULT_PIPELINE_OPTIONS, sessionTimeoutSeconds: 60 },
		};
		jest.advanceTimersByTime(SETTINGS_TTL_MS);
		expect((await activeHttpTrigger(key, read)).receiver).not.toBe(second.receiver);
		expect(close).toHaveBeenCalledTimes(2);
	});

	it("keeps a node's callback counts across a settings change, and starts them afresh after forgetHttpTrigger", async () => {
		const { state, read } = reader({ app, callback, options: DEFAULT_PIPELINE_OPTIONS });
		(await activeHttpTrigger(key, read)).activity.noteAccepted(false);
		state.current = {
			app,
			callback: { ...callback, clientSecret: 'secret-2' },
			options: DEFAULT_PIPELINE_OPTIONS,
		};
		jest.advanceTimersByTime(SETTINGS_TTL_MS);
		const changed = await activeHttpTrigger(key, read);
		expect(changed.activity.snapshot()).toMatchObject({ callbacksAccepted: 1 });
		forgetHttpTrigger(key);
		expect((await activeHttpTrigger(key, read)).activity.snapshot()).toMatchObject({
			callbacksAccepted: 0,
		});
	});

	it("keeps one node's state apart from another's, and starts afresh after forgetHttpTrigger", async () => {
		const close = jest.spyOn(HttpCallbackReceiver.prototype, 'close');
		const { state, read } = reader({ app, callback, options: DEFAULT_PIPELINE_OPTIONS });
		const first = await activeHttpTrigger(key, read);
		const other = await activeHttpTrigger(`${key}-other`, read);
		expect(other.receiver).not.toBe(first.receiver);
		forgetHttpTrigger(`${key}-other`);
		forgetHttpTrigger(key);
		expect(close).toHaveBeenCalledTimes(2);
		expect((await activeHttpTrigger(key, read)).receiver).not.toBe(first.receiver);
		expect(state.reads).toBe(3);
	});

	it("lists a production trigger's status only for its credential identity: a copy, not the Client ID with another secret, Token or AES Key", async () => {
		const owner = { ...app, apiBaseUrl: 'https://api.dingtalk.com', clientSecret: 'secret-1' };
		const ownerCallback = { ...callback, callbackAesKey: 'a'.repeat(43) };
		const { read } = reader({
			app: owner,
			callback: ownerCallback,
			options: DEFAULT_PIPELINE_OPTIONS,
			production: true,
			callbackUrl: 'https://n8n.example/webhook/owner/callback',
		});
		await activeHttpTrigger(key, read);
		const listed = (identity: string) =>
			httpTriggerStatuses(identity).map((status) => status.callbackUrl);
		expect(listed(httpTriggerIdentity({ ...owner }, { ...ownerCallback }))).toEqual([
			'https://n8n.example/webhook/owner/callback',
		]);
		for (const other of [
			httpTriggerIdentity({ ...owner, clientSecret: 'made-up' }, ownerCallback),
			httpTriggerIdentity(owner, { ...ownerCallback, callbackToken: 'made-up' }),
			httpTriggerIdentity(owner, { ...ownerCallback, callbackAesKey: 'b'.repeat(43) }),
			httpTriggerIdentity({ ...owner, apiBaseUrl: 'https://api.dingtalk.io' }, ownerCallback),
		])
			expect(listed(other)).toEqual([]);
	});

	it('hands test items over oldest first, once each, per node, across forgetHttpTrigger', () => {
		handOverTestItem(key, { json: { n: 1 } });
		handOverTestItem(key, { json: { n: 2 } });
		forgetHttpTrigger(key);
		expect(takeTestItem(`${key}-other`)).toBeUndefined();
		expect(takeTestItem(key)).toEqual({ json: { n: 1 } });
		expect(takeTestItem(key)).toEqual({ json: { n: 2 } });
		expect(takeTestItem(key)).toBeUndefined();
	});
});
