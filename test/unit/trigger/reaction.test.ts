import {
	AccessTokenCache,
	DingTalkClient,
	type HttpRequest,
	type HttpResponse,
} from '../../../nodes/DingTalk/transport';
import { REACTION_DEADLINE_MS, reactWhileRunning } from '../../../nodes/DingTalk/trigger/reaction';

const app = {
	clientId: 'app',
	clientSecret: 'secret',
	robotCode: 'robot',
	language: 'en' as const,
	apiBaseUrl: 'https://api.test',
	legacyApiBaseUrl: 'https://oapi.test',
};
const MESSAGE = { event: 'message', msgId: 'msg1', conversationId: 'cid1' };
const ok: HttpResponse = { status: 200, headers: {}, body: { success: true } };
const refused: HttpResponse = {
	status: 400,
	headers: {},
	body: { code: 'invalidParameter.openMsgId.invalid', message: 'bad', requestid: 'r' },
};

/** A DingTalk whose emotion answers the test hands out: each call waits until the test answers it. */
function scriptedDingTalk() {
	const calls: Array<{
		path: string;
		body: unknown;
		answer: (response: HttpResponse) => void;
	}> = [];
	const client = new DingTalkClient(
		app,
		async (request: HttpRequest) => {
			if (request.url.endsWith('/v1.0/oauth2/accessToken'))
				return { status: 200, headers: {}, body: { accessToken: 't', expireIn: 7200 } };
			return await new Promise<HttpResponse>((answer) =>
				calls.push({ path: new URL(request.url).pathname, body: request.body, answer }),
			);
		},
		{ tokenCache: new AccessTokenCache(), retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0 } },
	);
	const paths = () => calls.map((c) => c.path);
	return { client, calls, paths };
}

/** Lets the client's promise chain (token, then the call) run without moving the clock. */
const settle = async () => {
	for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('trigger/reaction: React While Running', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it('puts the reaction on the message, and the take-back removes the same reaction', async () => {
		const { client, calls, paths } = scriptedDingTalk();
		const warnings: string[] = [];
		const adding = reactWhileRunning(client, MESSAGE, '🤔Thinking', (m) => warnings.push(m));
		await settle();
		calls[0].answer(ok);
		const takeBack = await adding;
		const removing = takeBack();
		await settle();
		calls[1].answer(ok);
		await removing;
		expect(paths()).toEqual(['/v1.0/robot/emotion/reply', '/v1.0/robot/emotion/recall']);
		// The recall names the very reaction that was added: same message, same text emotion, field for field.
		const reaction = {
			robotCode: 'robot',
			openMsgId: 'msg1',
			openConversationId: 'cid1',
			emotionType: 2,
			emotionName: '🤔Thinking',
			textEmotion: {
				emotionId: '2659900',
				emotionName: '🤔Thinking',
				text: '🤔Thinking',
				backgroundId: 'im_bg_1',
			},
		};
		expect(calls.map((call) => call.body)).toEqual([reaction, reaction]);
		expect(warnings).toEqual([]);
	});

	it('holds the run up for at most the deadline when DingTalk does not answer, logs it, and still cleans up a late reaction', async () => {
		const { client, calls, paths } = scriptedDingTalk();
		const warnings: string[] = [];
		let released = false;
		const adding = reactWhileRunning(client, MESSAGE, '🤔Thinking', (m) => warnings.push(m)).then(
			(takeBack) => {
				released = true;
				return takeBack;
			},
		);
		await jest.advanceTimersByTimeAsync(REACTION_DEADLINE_MS - 1);
		expect(released).toBe(false);
		await jest.advanceTimersByTimeAsync(1);
		expect(released).toBe(true);
		expect(warnings).toEqual([
			`DingTalk Trigger: React While Running could not add the reaction (no answer within ${REACTION_DEADLINE_MS} ms)`,
		]);
		// The run ends; the add lands late: the take-back waits for it and removes the reaction.
		const takeBack = await adding;
		const removing = takeBack();
		calls[0].answer(ok);
		await settle();
		calls[1].answer(ok);
		await removing;
		expect(paths()).toEqual(['/v1.0/robot/emotion/reply', '/v1.0/robot/emotion/recall']);
	});

	it('goes on when DingTalk refuses the reaction, and then has nothing to take back', async () => {
		const { client, calls, paths } = scriptedDingTalk();
		const warnings: string[] = [];
		const adding = reactWhileRunning(client, MESSAGE, '🤔Thinking', (m) => warnings.push(m));
		await settle();
		calls[0].answer(refused);
		await (
			await adding
		)();
		expect(paths()).toEqual(['/v1.0/robot/emotion/reply']);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(
			/^DingTalk Trigger: React While Running could not add the reaction \(DingTalk error invalidParameter\.openMsgId\.invalid/,
		);
	});

	it('never rejects when the removal fails or hangs (bounded by the deadline)', async () => {
		const { client, calls } = scriptedDingTalk();
		const warnings: string[] = [];
		const adding = reactWhileRunning(client, MESSAGE, '🤔Thinking', (m) => warnings.push(m));
		await settle();
		calls[0].answer(ok);
		const removing = (await adding)();
		await jest.advanceTimersByTimeAsync(REACTION_DEADLINE_MS);
		await expect(removing).resolves.toBeUndefined();
		expect(warnings).toEqual([
			`DingTalk Trigger: React While Running could not remove the reaction (no answer within ${REACTION_DEADLINE_MS} ms)`,
		]);
	});

	it.each([
		['an empty reaction text (the option is off)', MESSAGE, ''],
		['a card callback', { ...MESSAGE, event: 'cardCallback' }, '🤔Thinking'],
		['a message without msgId', { ...MESSAGE, msgId: '' }, '🤔Thinking'],
		[
			'a message whose conversationId is not text',
			{ ...MESSAGE, conversationId: {} },
			'🤔Thinking',
		],
	])('makes no call for %s', async (_case, item, text) => {
		const { client, paths } = scriptedDingTalk();
		await (
			await reactWhileRunning(client, item, text, () => {})
		)();
		expect(paths()).toEqual([]);
	});
});
