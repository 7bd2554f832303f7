import { randomBytes } from 'crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { recordSecret } from '../support/secretLeaks';
import { DingTalkCallbackPusher } from './callbackPush';
import {
	type CardClick,
	clickCard,
	DECISION_TEMPLATE_ID,
	decisionTemplate,
	type FakeCardTemplate,
} from './cardClicks';
import { createAndDeliver, streamCard, updateCard } from './cardRoutes';
import { getUser, listFull, listSimple, listSubDepartments } from './directoryRoutes';
import { emotion } from './emotionRoutes';
import { apiError, isApiPath, legacyError, requestId } from './replies';
import { type FakeUpload, receiveMediaUpload } from './mediaRoutes';
import { robotMessage } from './robotMessage';
import { batchSendToUsers, recall, sendBySession, sendToGroup } from './robotRoutes';
import { StreamGateway } from './StreamGateway';
import { FakeTodos, isTodoRoute, todoRoute } from './todoRoutes';
import { legacyAccessToken, newAccessToken } from './tokenRoutes';
import { defaultApprovalTemplates, FakeWorkflow } from './workflowRoutes';
import type {
	FakeApp,
	FakeCard,
	FakeConversation,
	FakeDepartment,
	FakeOptions,
	FakeReply,
	FakeRequest,
	FakeUser,
	Fault,
	ReactionEvent,
	RecordedRequest,
	SentMessage,
} from './types';

type Route = (fake: FakeDingTalk, req: FakeRequest, app: FakeApp) => FakeReply;

/** Routes that need an access token, by "METHOD path". */
const AUTHENTICATED_ROUTES: Record<string, Route> = {
	'POST /v1.0/robot/oToMessages/batchSend': batchSendToUsers,
	'POST /v1.0/robot/groupMessages/send': sendToGroup,
	'POST /v1.0/robot/otoMessages/batchRecall': (f, r, a) => recall(f, r, a, 'oto'),
	'POST /v1.0/robot/groupMessages/recall': (f, r, a) => recall(f, r, a, 'group'),
	'POST /v1.0/robot/emotion/reply': (f, r, a) => emotion(f, r, a, 'added'),
	'POST /v1.0/robot/emotion/recall': (f, r, a) => emotion(f, r, a, 'removed'),
	'POST /v1.0/card/instances/createAndDeliver': createAndDeliver,
	'PUT /v1.0/card/instances': updateCard,
	'PUT /v1.0/card/streaming': streamCard,
	'POST /v1.0/robot/messageFiles/download': messageFileDownload,
	'POST /topapi/user/listsimple': listSimple,
	'POST /topapi/v2/user/list': listFull,
	'POST /topapi/v2/user/get': getUser,
	'POST /topapi/v2/department/listsub': listSubDepartments,
	...workflowRoutes(),
};

/** OA approvals (workflowRoutes.ts), each behind the fake's workflow permission switch. */
function workflowRoutes(): Record<string, Route> {
	const on =
		(handler: (workflow: FakeWorkflow, req: FakeRequest) => FakeReply): Route =>
		(fake, req) =>
			fake.workflow.route((r) => handler(fake.workflow, r))(req);
	const body = (req: FakeRequest) => (req.body ?? {}) as Record<string, unknown>;
	return {
		'POST /v1.0/workflow/processInstances': on((w, r) => w.start(body(r))),
		'GET /v1.0/workflow/processInstances': on((w, r) => w.get(r.query)),
		'POST /v1.0/workflow/processes/instanceIds/query': on((w, r) => w.listIds(body(r))),
		'POST /v1.0/workflow/processInstances/execute': on((w, r) => w.execute(body(r))),
		'POST /v1.0/workflow/processInstances/comments': on((w, r) => w.comment(body(r))),
		'POST /v1.0/workflow/processInstances/terminate': on((w, r) => w.terminate(body(r))),
		'GET /v1.0/workflow/forms/schemas/processCodes': on((w, r) => w.schema(r.query)),
		'GET /v1.0/workflow/processes/userVisibilities/templates': on((w, r) =>
			w.visibleTemplates(r.query),
		),
	};
}

/** POST /v1.0/robot/messageFiles/download {downloadCode, robotCode} → a short-lived URL on this fake. */
function messageFileDownload(fake: FakeDingTalk, req: FakeRequest, app: FakeApp): FakeReply {
	const body = (req.body ?? {}) as Record<string, unknown>;
	if (body.robotCode !== app.robotCode)
		return apiError(400, 'invalidParameter.robotCode.auth', 'robotCode 与应用不匹配');
	// UNCONFIRMED: the code for an unknown or expired downloadCode.
	if (!fake.media.has(String(body.downloadCode ?? '')))
		return apiError(400, 'invalidParameter.downloadCode.invalid', 'downloadCode 无效');
	return {
		status: 200,
		body: {
			downloadUrl: `${fake.baseUrl}/__media/${encodeURIComponent(String(body.downloadCode))}`,
		},
	};
}

const TOKEN_PATHS = new Set(['/v1.0/oauth2/accessToken', '/gettoken']);
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A fake DingTalk OpenAPI on loopback: token endpoints, robot messages, recall, cards, session webhooks, users and
 * departments, with DingTalk's validation and both error formats, fault injection, and a record of every request.
 * It serves both api.dingtalk.com and oapi.dingtalk.com paths on one port (they do not collide).
 */
export class FakeDingTalk {
	readonly apps: FakeApp[];
	readonly users = new Map<string, FakeUser>();
	readonly departments = new Map<number, FakeDepartment>();
	readonly conversations = new Map<string, FakeConversation>();
	readonly flowControlledUserIds: Set<string>;
	readonly tokenTtlSeconds: number;

	requests: RecordedRequest[] = [];
	sentMessages: SentMessage[] = [];
	/** Every reaction added to or removed from a message, in order. */
	reactions: ReactionEvent[] = [];
	cards = new Map<string, FakeCard>();
	/** To-dos (todo_1_0), with their switches (page size, a missing permission). */
	readonly todos = new FakeTodos();
	/** Card templates whose buttons the fake can click (the decision template is always there). */
	readonly cardTemplates = new Map<string, FakeCardTemplate>([
		[DECISION_TEMPLATE_ID, decisionTemplate()],
	]);
	/** Every simulated card click, with the answer DingTalk got for it. */
	cardClicks: CardClick[] = [];
	readonly tokens = new Map<string, { app: FakeApp; expiresAt: number }>();
	readonly sessions = new Map<
		string,
		{ conversationType: '1' | '2'; conversationId: string; userId?: string; expiresAt: number }
	>();
	/** The Stream mode gateway: connections/open and the WebSocket at /connect. */
	readonly gateway = new StreamGateway(
		() => this.apps,
		() => this.baseUrl,
	);
	/** OA approvals: templates, instances, and the switch that refuses them as a missing permission. */
	readonly workflow: FakeWorkflow = new FakeWorkflow(this);
	/** Files users "sent": downloadCode → content. */
	readonly media = new Map<string, { bytes: Buffer; contentType: string; hideLength?: boolean }>();
	/** Bytes of media files written to clients so far. */
	mediaBytesSent = 0;
	/** Files received at /media/upload, in order; their media IDs are what later messages reference. */
	uploads: FakeUpload[] = [];
	private faults: Array<Fault & { remaining: number; passed: number }> = [];
	/**
	 * DingTalk's per-app, per-API QPS limits (off unless set): path → requests per second. Each app gets that many
	 * calls of the API per wall-clock second; the rest get DingTalk's 403 QpsLimitForAppkeyAndApi and are dropped.
	 */
	readonly qpsLimits = new Map<string, number>();
	private readonly qpsWindows = new Map<string, { second: number; count: number }>();
	private server?: Server;
	private url = '';

	constructor(options: FakeOptions = {}) {
		this.apps = options.apps ?? [];
		// For the e2e leak check (a no-op outside the e2e suite): these must appear in no n8n output.
		for (const app of this.apps) {
			recordSecret('DingTalk Client Secret (fake app)', app.clientSecret);
			recordSecret('DingTalk Callback Token (fake app)', app.callbackToken);
			recordSecret('DingTalk Callback AES Key (fake app)', app.callbackAesKey);
		}
		// DingTalk gives every user a union ID besides the user ID; a fixture without one gets a deterministic one.
		for (const user of options.users ?? [])
			this.users.set(
				user.userid,
				user.unionid ? user : { ...user, unionid: `union${user.userid}` },
			);
		for (const department of options.departments ?? [{ dept_id: 1, name: 'Root', parent_id: 0 }]) {
			this.departments.set(department.dept_id, department);
		}
		for (const conversation of options.conversations ?? [])
			this.conversations.set(conversation.openConversationId, conversation);
		this.flowControlledUserIds = new Set(options.flowControlledUserIds ?? []);
		for (const [path, qps] of Object.entries(options.qpsLimits ?? {})) this.setQpsLimit(path, qps);
		this.tokenTtlSeconds = options.tokenTtlSeconds ?? 7200;
		this.workflow.seedTemplates(options.processTemplates ?? defaultApprovalTemplates());
	}

	get baseUrl(): string {
		if (!this.url) throw new Error('FakeDingTalk is not started');
		return this.url;
	}

	async start(port = 0, host = '127.0.0.1'): Promise<void> {
		const server = createServer((req, res) => void this.handle(req, res));
		server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => resolve());
		});
		this.server = server;
		this.url = `http://${host}:${(server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		if (!server) return;
		await this.gateway.stop();
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	/** Credential fields (and the client's app config) that point at this fake, for the given app. */
	appConfig(app: FakeApp = this.apps[0]) {
		return {
			clientId: app.clientId,
			clientSecret: app.clientSecret,
			robotCode: app.robotCode,
			language: 'en' as 'en' | 'zh-CN',
			apiBaseUrl: this.baseUrl,
			legacyApiBaseUrl: this.baseUrl,
		};
	}

	/** Fields of a DingTalk HTTP API credential for the given app (adds the callback Token and AES Key). */
	httpAppConfig(app: FakeApp = this.apps[0]) {
		return {
			...this.appConfig(app),
			callbackToken: app.callbackToken ?? '',
			callbackAesKey: app.callbackAesKey ?? '',
		};
	}

	/** Registers a file as if a user had sent it; returns its downloadCode. */
	addMedia(bytes: Buffer, contentType: string, options: { hideLength?: boolean } = {}): string {
		const code = `dlcode${randomBytes(8).toString('hex')}`;
		this.media.set(code, { bytes, contentType, ...options });
		return code;
	}

	requestsTo(path: string | RegExp): RecordedRequest[] {
		return this.requests.filter((r) =>
			typeof path === 'string' ? r.path === path : path.test(r.path),
		);
	}

	/** The reaction texts on a message now (added and not removed since). */
	reactionsOn(openMsgId: string): string[] {
		const on: string[] = [];
		for (const event of this.reactions.filter((r) => r.openMsgId === openMsgId)) {
			if (event.action === 'added') on.push(event.text);
			else on.splice(on.indexOf(event.text), 1);
		}
		return on;
	}

	tokenCalls(): number {
		return this.requests.filter((r) => TOKEN_PATHS.has(r.path)).length;
	}

	injectFault(fault: Fault): void {
		this.faults.push({ ...fault, remaining: fault.times ?? 1, passed: 0 });
	}

	clearFaults(): void {
		this.faults = [];
	}

	/** Limits one API (its path) to `qps` calls per second per app; 0 or less lifts the limit. */
	setQpsLimit(path: string, qps: number): void {
		if (qps > 0) this.qpsLimits.set(path, qps);
		else this.qpsLimits.delete(path);
		for (const key of this.qpsWindows.keys())
			if (key.endsWith(` ${path}`)) this.qpsWindows.delete(key);
	}

	clearQpsLimits(): void {
		this.qpsLimits.clear();
		this.qpsWindows.clear();
	}

	/** Requests to a path the QPS limit refused (DingTalk's 403 QpsLimitForAppkeyAndApi). */
	throttledRequests(path: string): RecordedRequest[] {
		return this.requestsTo(path).filter(
			(r) =>
				r.status === 403 &&
				(r.response as { code?: string } | undefined)?.code ===
					'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi',
		);
	}

	/** Counts a call of an app against the path's limit: true when it is over (the call is refused). */
	private overQpsLimit(app: FakeApp, path: string): boolean {
		const qps = this.qpsLimits.get(path);
		if (!qps) return false;
		const key = `${app.clientId} ${path}`;
		const second = Math.floor(Date.now() / 1000);
		const window = this.qpsWindows.get(key);
		if (!window || window.second !== second) {
			this.qpsWindows.set(key, { second, count: 1 });
			return 1 > qps;
		}
		window.count++;
		return window.count > qps;
	}

	/** Clears what happened (requests, faults, messages, tokens, cards); keeps the organisation and open sessions. */
	reset(): void {
		this.requests = [];
		this.sentMessages = [];
		this.reactions = [];
		this.uploads = [];
		this.cards = new Map();
		this.todos.clear();
		this.cardClicks = [];
		this.tokens.clear();
		this.faults = [];
		this.clearQpsLimits();
		this.gateway.reset();
		this.workflow.reset();
	}

	/**
	 * User `userId` clicks `button` ("approve", "refuse", …) on card `outTrackId`: the callback DingTalk would send
	 * (params resolved from the user's private data, then the card data), in the card's callback mode; resolves with
	 * the answer DingTalk got, which is applied to the card.
	 */
	async clickCard(opts: {
		outTrackId: string;
		userId: string;
		button: string;
		callbackUrl?: string;
		timeoutMs?: number;
	}): Promise<CardClick> {
		return await clickCard(this, opts);
	}

	expireAllTokens(): void {
		this.tokens.clear();
	}

	createSessionWebhook(opts: {
		conversationType: '1' | '2';
		conversationId: string;
		userId?: string;
		ttlMs?: number;
	}) {
		const session = randomBytes(12).toString('hex');
		const expiresAt = Date.now() + (opts.ttlMs ?? 5_400_000);
		this.sessions.set(session, {
			conversationType: opts.conversationType,
			conversationId: opts.conversationId,
			userId: opts.userId,
			expiresAt,
		});
		return {
			sessionWebhook: `${this.baseUrl}/robot/sendBySession?session=${session}`,
			sessionWebhookExpiredTime: expiresAt,
		};
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://fake');
		const path = url.pathname;
		const query = Object.fromEntries(url.searchParams.entries());
		const headers = Object.fromEntries(
			Object.entries(req.headers).map(([k, v]) => [
				k.toLowerCase(),
				Array.isArray(v) ? v.join(',') : (v ?? ''),
			]),
		);
		if (req.method === 'POST' && path === '/media/upload')
			return await this.mediaUpload(req, res, path, query, headers);
		const raw = await readBody(req);
		if (path.startsWith('/__fake/'))
			return send(res, await this.control(req.method ?? 'GET', path, raw));
		if (path.startsWith('/__media/')) {
			const file = this.media.get(decodeURIComponent(path.slice('/__media/'.length)));
			if (!file) {
				res.writeHead(404, { 'Content-Type': 'text/plain' });
				res.end('not found');
				return;
			}
			// Written in 64 KiB chunks with backpressure, and counted, so a test sees how much a client really read.
			res.writeHead(200, {
				'Content-Type': file.contentType,
				...(file.hideLength ? {} : { 'Content-Length': String(file.bytes.length) }),
			});
			let offset = 0;
			const writeMore = () => {
				while (offset < file.bytes.length && !res.destroyed) {
					const chunk = file.bytes.subarray(offset, offset + 65_536);
					offset += chunk.length;
					this.mediaBytesSent += chunk.length;
					if (!res.write(chunk)) return void res.once('drain', writeMore);
				}
				if (!res.destroyed) res.end();
			};
			writeMore();
			return;
		}

		const parsed = parseBody(raw);
		const body = parsed.body;
		const reply =
			parsed.problem !== undefined
				? isApiPath(path)
					? apiError(400, 'InvalidParameter', parsed.problem)
					: legacyError(400002, parsed.problem)
				: await this.route({ method: req.method ?? 'GET', path, query, headers, body });
		this.requests.push({
			method: req.method ?? 'GET',
			path,
			query: redactSecret(query, 'appsecret'),
			headers,
			body: redactSecret(body, 'appSecret'),
			status: reply.status,
			response: reply.raw ?? reply.body,
			at: Date.now(),
		});
		send(res, reply);
	}

	/** A multipart upload, read as it streams (legacy auth: ?access_token=); recorded without its content. */
	private async mediaUpload(
		req: IncomingMessage,
		res: ServerResponse,
		path: string,
		query: Record<string, string>,
		headers: Record<string, string>,
	): Promise<void> {
		const fault = this.takeFault(path);
		const request: FakeRequest = { method: 'POST', path, query, headers, body: undefined };
		if (fault?.kind === 'expireToken') this.expirePresentedToken(request);
		const auth = this.authenticate(request);
		const { reply, summary } =
			fault && fault.kind !== 'slow' && fault.kind !== 'expireToken'
				? { reply: faultReply(fault.kind, path), summary: {} }
				: 'status' in auth
					? { reply: auth, summary: {} }
					: await receiveMediaUpload(req, query, headers, (upload) => this.uploads.push(upload));
		if ('status' in auth || (fault && fault.kind !== 'slow' && fault.kind !== 'expireToken'))
			req.resume();
		this.requests.push({
			method: 'POST',
			path,
			query,
			headers,
			body: summary,
			status: reply.status,
			response: reply.body,
			at: Date.now(),
		});
		send(res, reply);
	}

	private async route(req: FakeRequest): Promise<FakeReply> {
		const fault = this.takeFault(req.path);
		if (fault?.kind === 'slow')
			await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
		else if (fault && fault.kind !== 'expireToken') return faultReply(fault.kind, req.path);
		if (fault?.kind === 'expireToken') this.expirePresentedToken(req);

		if (req.method === 'POST' && req.path === '/v1.0/oauth2/accessToken')
			return newAccessToken(this, req);
		if (req.method === 'GET' && req.path === '/gettoken') return legacyAccessToken(this, req);
		if (req.method === 'POST' && req.path === '/robot/sendBySession')
			return sendBySession(this, req);
		if (req.method === 'POST' && req.path === '/v1.0/gateway/connections/open')
			return this.gateway.open(req);
		const route =
			AUTHENTICATED_ROUTES[`${req.method} ${req.path}`] ??
			(isTodoRoute(req.method, req.path) ? todoRoute : undefined);
		if (!route) {
			// UNCONFIRMED: the api family's answer for an unknown path.
			return isApiPath(req.path)
				? apiError(404, 'InvalidAction.NotFound', 'Specified api is not found')
				: legacyError(22, '不合法的请求路径');
		}
		const auth = this.authenticate(req);
		if ('status' in auth) return auth;
		// UNCONFIRMED: the message text; the code and status are DingTalk's (dingtalk-protocol.md §4.9).
		if (this.overQpsLimit(auth, req.path))
			return apiError(
				403,
				'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi',
				'应用调用该接口的QPS超过限制',
			);
		return route(this, req, auth);
	}

	/** api paths take the token in x-acs-dingtalk-access-token; oapi paths in ?access_token=. */
	private authenticate(req: FakeRequest): FakeApp | FakeReply {
		const api = isApiPath(req.path);
		const token = api ? req.headers['x-acs-dingtalk-access-token'] : req.query.access_token;
		if (!token) {
			return api
				? apiError(
						400,
						'AuthenticationFailed.MissingParameter',
						'缺少参数：x-acs-dingtalk-access-token',
					)
				: legacyError(88, 'ding talk error[subcode=40000,submsg=access_token is blank]', {
						sub_code: '40000',
						sub_msg: 'access_token is blank',
					});
		}
		const issued = this.tokens.get(token);
		if (!issued || issued.expiresAt < Date.now()) {
			return api
				? apiError(400, 'InvalidAuthentication', '不合法的access_token')
				: legacyError(88, 'ding talk error[subcode=40014,submsg=不合法的access_token]', {
						sub_code: '40014',
						sub_msg: '不合法的access_token',
					});
		}
		return issued.app;
	}

	private expirePresentedToken(req: FakeRequest) {
		const token = req.headers['x-acs-dingtalk-access-token'] ?? req.query.access_token;
		if (token) this.tokens.delete(token);
	}

	private takeFault(path: string): Fault | undefined {
		const matching = this.faults.filter(
			(f) => !f.path || (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
		);
		// Faults still waiting for their `after` count see this request go by.
		const fault = matching.find((f) => f.passed >= (f.after ?? 0));
		for (const waiting of matching)
			if (waiting !== fault && waiting.passed < (waiting.after ?? 0)) waiting.passed++;
		if (!fault) return undefined;
		const index = this.faults.indexOf(fault);
		if (--fault.remaining <= 0) this.faults.splice(index, 1);
		return fault;
	}

	/** The HTTP control API, so a separate process (the demo, a shell) can drive the fake. */
	private async control(method: string, path: string, raw: string | undefined): Promise<FakeReply> {
		const body = (() => {
			try {
				return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
			} catch {
				return {};
			}
		})();
		const route = `${method} ${path}`;
		switch (route) {
			case 'GET /__fake/requests':
				return { status: 200, body: this.requests };
			case 'GET /__fake/sent':
				return { status: 200, body: this.sentMessages };
			case 'GET /__fake/reactions':
				return { status: 200, body: this.reactions };
			case 'GET /__fake/cards':
				return { status: 200, body: Object.fromEntries(this.cards) };
			case 'GET /__fake/todos':
				return { status: 200, body: [...this.todos.tasks.values()] };
			case 'POST /__fake/cards/click': {
				// A user clicks a card's button: `curl -d '{"outTrackId":"decision-…","userId":"manager4220",
				// "button":"approve"}' <fake>/__fake/cards/click` (HTTP-callback cards add "callbackUrl").
				try {
					const click = await this.clickCard({
						outTrackId: String(body.outTrackId ?? ''),
						userId: String(body.userId ?? ''),
						button: String(body.button ?? ''),
						callbackUrl: typeof body.callbackUrl === 'string' ? body.callbackUrl : undefined,
					});
					return { status: 200, body: click };
				} catch (error) {
					return { status: 400, body: { error: (error as Error).message } };
				}
			}
			case 'POST /__fake/approvals/submit': {
				// An employee submits an approval; its start event goes to the app's Stream connection:
				// `curl -d '{"processCode":"PROC-LEAVE-0001","originatorUserId":"eng0003","form":{"Days":2}}' <fake>/__fake/approvals/submit`
				try {
					const form = (body.form ?? {}) as Record<string, string | number>;
					const submitted = this.workflow.submit({
						processCode: String(body.processCode ?? ''),
						originatorUserId: String(body.originatorUserId ?? ''),
						form: typeof form === 'object' && form !== null ? form : {},
					});
					return { status: 200, body: submitted };
				} catch (error) {
					return { status: 400, body: { error: (error as Error).message } };
				}
			}
			case 'POST /__fake/reset':
				this.reset();
				return { status: 200, body: { ok: true } };
			case 'POST /__fake/expire-tokens':
				this.expireAllTokens();
				return { status: 200, body: { ok: true } };
			case 'GET /__fake/qps-limits':
				return { status: 200, body: Object.fromEntries(this.qpsLimits) };
			case 'POST /__fake/qps-limits': {
				// `{"/v1.0/card/streaming": 20}` limits that API to 20 calls per second per app; 0 lifts a limit;
				// `{}` with `"clear": true` lifts all.
				if (body.clear === true) this.clearQpsLimits();
				for (const [path, qps] of Object.entries(body)) {
					if (path === 'clear') continue;
					if (!path.startsWith('/') || typeof qps !== 'number')
						return { status: 400, body: { error: `"${path}": a path and a number, please` } };
					this.setQpsLimit(path, qps);
				}
				return { status: 200, body: Object.fromEntries(this.qpsLimits) };
			}
			case 'POST /__fake/faults': {
				const path =
					typeof body.path === 'string' && body.path.startsWith('^')
						? new RegExp(body.path)
						: (body.path as string | undefined);
				this.injectFault({ ...(body as unknown as Fault), path });
				return { status: 200, body: { ok: true } };
			}
			case 'POST /__fake/stream/messages': {
				// A user writes to the bot: `curl -d '{"text":"hi"}' <fake>/__fake/stream/messages`.
				const sender = String(body.senderStaffId ?? [...this.users.keys()][0]);
				const data = robotMessage(this, {
					text: String(body.text ?? 'hello'),
					senderStaffId: sender,
					group: body.group === true,
					mention: body.group === true,
				});
				const messageId = this.gateway.pushCallback('/v1.0/im/bot/messages/get', data);
				return {
					status: 200,
					body: {
						messageId,
						msgId: data.msgId,
						connections: this.gateway.liveConnections().length,
					},
				};
			}
			case 'POST /__fake/http/messages': {
				// A user writes to a bot in HTTP mode: DingTalk encrypts the message and POSTs it to the callback URL.
				// `curl -d '{"text":"hi","callbackUrl":"http://localhost:5678/webhook/<id>/callback"}' <fake>/__fake/http/messages`
				if (typeof body.callbackUrl !== 'string')
					return { status: 400, body: { error: 'callbackUrl is required' } };
				const sender = String(body.senderStaffId ?? [...this.users.keys()][0]);
				const data = robotMessage(this, {
					text: String(body.text ?? 'hello'),
					senderStaffId: sender,
					group: body.group === true,
					mention: body.group === true,
				});
				const pusher = new DingTalkCallbackPusher(this.apps[0]);
				const answer = await DingTalkCallbackPusher.send(
					body.callbackUrl,
					body.plain === true ? pusher.signed(data) : pusher.encrypted(data),
				);
				const decrypted = answer.json?.encrypt ? pusher.readAnswer(answer.json) : undefined;
				return {
					status: 200,
					body: {
						msgId: data.msgId,
						callbackStatus: answer.status,
						answer: decrypted ?? answer.json ?? answer.text,
					},
				};
			}
			case 'POST /__fake/approvals/submit': {
				// A user submits an approval: `curl -d '{"processCode":"PROC-EXPENSE-0001","originatorUserId":"eng0002",
				// "form":{"Reason":"Taxi","Amount":42}}' <fake>/__fake/approvals/submit`.
				try {
					return {
						status: 200,
						body: this.workflow.submit(body as unknown as Parameters<FakeWorkflow['submit']>[0]),
					};
				} catch (error) {
					return { status: 400, body: { error: (error as Error).message } };
				}
			}
			case 'GET /__fake/approvals':
				return { status: 200, body: Object.fromEntries(this.workflow.instances) };
			case 'GET /__fake/replies':
				return {
					status: 200,
					body: this.sentMessages.filter((m) => m.channel === 'session').map((m) => m.body),
				};
			case 'POST /__fake/session-webhooks':
				return {
					status: 200,
					body: this.createSessionWebhook(
						body as unknown as Parameters<FakeDingTalk['createSessionWebhook']>[0],
					),
				};
			default:
				return { status: 404, body: { error: `no control route ${route}` } };
		}
	}
}

function faultReply(kind: Fault['kind'], path: string): FakeReply {
	const api = isApiPath(path);
	switch (kind) {
		case 'flowControl':
			return api
				? apiError(
						403,
						'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi',
						'应用调用该接口的QPS超过限制',
					)
				: legacyError(90018, '当前企业调用该接口的QPS超过限制');
		case 'qpsLimitForApi':
			return api
				? apiError(403, 'Forbidden.AccessDenied.QpsLimitForApi', '该接口的全局QPS超过限制')
				: legacyError(90002, '该接口的全局QPS超过限制');
		case 'http429':
			return {
				status: 429,
				body: api
					? { code: 'Throttling', message: 'Too many requests', requestid: requestId() }
					: { errcode: 90018, errmsg: 'Too many requests' },
			};
		case 'serverError':
			return api
				? apiError(500, 'unknownError', '系统错误')
				: { status: 200, body: { errcode: -1, errmsg: '系统繁忙', request_id: requestId() } };
		case 'invalidJson':
			return { status: 200, body: undefined, raw: '<html><body>gateway error</body></html>' };
		default:
			return apiError(500, 'unknownError', `unhandled fault ${kind}`);
	}
}

function parseBody(raw: string | undefined): { body?: unknown; problem?: string } {
	if (raw === undefined) return { problem: 'body too large' };
	if (!raw) return {};
	try {
		return { body: JSON.parse(raw) };
	} catch {
		return { problem: 'body is not valid JSON' };
	}
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) return undefined;
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: FakeReply): void {
	const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
	res.writeHead(reply.status, {
		'Content-Type': reply.raw ? 'text/html' : 'application/json;charset=utf-8',
	});
	res.end(text);
}

/** The record never holds an app secret, so tests can assert secrets go nowhere else. */
function redactSecret<T>(value: T, key: string): T {
	if (typeof value !== 'object' || value === null || !(key in value)) return value;
	return { ...value, [key]: '***' };
}
