/**
 * The credential test's Stream check (`probeStreamGateway`): register a connection, complete the WebSocket handshake
 * with the ticket, close at once; and what the user reads when the gateway refuses the upgrade, the socket fails or
 * the handshake never completes. Against the fake DingTalk where it can play the part, else against a stand-in
 * gateway that misbehaves as each test asks.
 */
import axios from 'axios';
import { createServer, type IncomingMessage, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import type { ICredentialsDecrypted, ICredentialTestFunctions } from 'n8n-workflow';
import { WebSocketServer } from 'ws';

import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import { dingTalkApiCredentialTest } from '../../../nodes/DingTalk/methods/credentialTest';
import { probeStreamGateway } from '../../../nodes/DingTalk/stream/probe';
import { STREAM_UA } from '../../../nodes/DingTalk/stream/StreamSdkClient';
import { AccessTokenCache, axiosSender, DingTalkClient } from '../../../nodes/DingTalk/transport';
import { waitFor } from '../../support/waitFor';

const ROBOT = '/v1.0/im/bot/messages/get';
const CARD = '/v1.0/card/instances/callback';
const OPEN = '/v1.0/gateway/connections/open';
const fixture = defaultFixture();
const app = fixture.apps[0];

const clientFor = (apiBaseUrl: string) =>
	new DingTalkClient(
		{
			clientId: app.clientId,
			clientSecret: app.clientSecret,
			robotCode: app.robotCode,
			language: 'en',
			apiBaseUrl,
			legacyApiBaseUrl: apiBaseUrl,
		},
		axiosSender,
		{ tokenCache: new AccessTokenCache(), retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
	);

/** How a promise settled, waited for with `waitFor` (a probe that never settles fails the test at its deadline). */
async function settled(promise: Promise<unknown>): Promise<{ value?: unknown; error?: Error }> {
	let outcome: { value?: unknown; error?: Error } | undefined;
	promise.then(
		(value) => (outcome = { value }),
		(error: Error) => (outcome = { error }),
	);
	return await waitFor(() => outcome);
}

/**
 * A gateway that hands out its own /connect on connections/open (with `ticket`), and answers the upgrade there as
 * `upgrade` says: accept (recording how the client closed), refuse with a status, or never answer.
 */
class GatewayStandIn {
	upgrade: 'accept' | 'silent' | { refuse: number } = 'accept';
	ticket = 'ticket-1';
	readonly upgradeUrls: string[] = [];
	readonly closes: Array<{ code: number; reason: string }> = [];
	readonly sockets = new Set<Duplex>();
	private readonly wss = new WebSocketServer({ noServer: true });
	private server?: Server;

	async start(): Promise<string> {
		const server = createServer((req, res) => {
			res.setHeader('Content-Type', 'application/json');
			if (req.method === 'POST' && req.url === OPEN)
				res.end(
					JSON.stringify({
						endpoint: `${this.url.replace(/^http/, 'ws')}/connect`,
						ticket: this.ticket,
					}),
				);
			else res.writeHead(404).end('{}');
		});
		server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
			this.upgradeUrls.push(req.url ?? '');
			const how = this.upgrade;
			if (how === 'silent') {
				// Never answers, but reads on so that it sees the client hang up.
				socket.on('end', () => socket.destroy()).resume();
				return;
			}
			if (how !== 'accept') {
				socket.end(`HTTP/1.1 ${how.refuse} Refused\r\nContent-Length: 0\r\n\r\n`);
				return;
			}
			this.wss.handleUpgrade(req, socket, head, (ws) =>
				ws.on('close', (code, reason) => this.closes.push({ code, reason: reason.toString() })),
			);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		this.server = server;
		return this.url;
	}

	get url(): string {
		return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		for (const ws of this.wss.clients) ws.terminate();
		const server = this.server;
		this.server = undefined;
		server?.closeAllConnections();
		await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
	}
}

describe('Stream credential probe against the fake gateway', () => {
	const fake = new FakeDingTalk(fixture);
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());

	it('registers the two CALLBACK topics, completes the handshake, closes at once and names the topics', async () => {
		const { value, error } = await settled(probeStreamGateway(clientFor(fake.baseUrl)));
		expect(error).toBeUndefined();
		expect(value).toEqual({ topics: [ROBOT, CARD] });
		const [open] = fake.requestsTo(OPEN);
		expect(open.body).toEqual({
			clientId: app.clientId,
			clientSecret: app.clientSecret,
			subscriptions: [
				{ type: 'CALLBACK', topic: ROBOT },
				{ type: 'CALLBACK', topic: CARD },
			],
			ua: STREAM_UA,
		});
		// The ticket was used: the gateway saw one connection of the app, which the probe did not keep.
		expect(fake.gateway.connections.map((c) => c.app.clientId)).toEqual([app.clientId]);
		await waitFor(() => fake.gateway.liveConnections().length === 0);
	});
});

describe('Stream credential probe: what the user reads when the handshake fails', () => {
	const gateway = new GatewayStandIn();
	let client: DingTalkClient;
	beforeAll(async () => (client = clientFor(await gateway.start())));
	afterAll(async () => await gateway.stop());
	afterEach(() => {
		gateway.upgrade = 'accept';
		gateway.ticket = 'ticket-1';
	});

	it('sends the ticket URL-encoded and closes the socket normally, saying why (1000, "credential test")', async () => {
		gateway.ticket = 'a b&c=d';
		const { value } = await settled(probeStreamGateway(client));
		expect(value).toEqual({ topics: [ROBOT, CARD] });
		expect(gateway.upgradeUrls.at(-1)).toBe('/connect?ticket=a%20b%26c%3Dd');
		await waitFor(() => gateway.closes.length === 1);
		expect(gateway.closes).toEqual([{ code: 1000, reason: 'credential test' }]);
	});

	it.each([401, 403, 502])(
		'an upgrade refused with HTTP %i rejects naming the status',
		async (status) => {
			gateway.upgrade = { refuse: status };
			const { error } = await settled(probeStreamGateway(client));
			expect(error?.message).toBe(`Stream gateway WebSocket handshake failed: HTTP ${status}`);
		},
	);

	it('a handshake that never completes rejects after the timeout, and leaves no socket open', async () => {
		gateway.upgrade = 'silent';
		const started = Date.now();
		const { error } = await settled(probeStreamGateway(client, 200));
		expect(error?.message).toBe(
			'Stream gateway WebSocket handshake failed: Opening handshake has timed out',
		);
		expect(Date.now() - started).toBeLessThan(2000);
		await waitFor(() => gateway.sockets.size === 0);
	});

	it('a socket error (nothing listening at the endpoint) rejects with its message', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
		const { port } = closed.address() as AddressInfo;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const nowhere = createServer((_req, res) =>
			res
				.setHeader('Content-Type', 'application/json')
				.end(JSON.stringify({ endpoint: `ws://127.0.0.1:${port}/connect`, ticket: 't' })),
		);
		await new Promise<void>((resolve) => nowhere.listen(0, '127.0.0.1', () => resolve()));
		try {
			const { error } = await settled(
				probeStreamGateway(
					clientFor(`http://127.0.0.1:${(nowhere.address() as AddressInfo).port}`),
				),
			);
			expect(error?.message).toBe(
				`Stream gateway WebSocket handshake failed: connect ECONNREFUSED 127.0.0.1:${port}`,
			);
		} finally {
			nowhere.closeAllConnections();
			await new Promise<void>((resolve) => nowhere.close(() => resolve()));
		}
	});
});

/**
 * The same through the credential test n8n runs ("Test" in the credential dialog): the line the user reads. Its
 * `helpers.request` is the legacy request helper n8n gives credential tests, played with axios.
 */
describe('Stream credential test: the message in the credential dialog', () => {
	const fake = new FakeDingTalk(fixture);
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	const context = {
		helpers: {
			request: async (options: {
				method: string;
				uri: string;
				qs?: Record<string, unknown>;
				headers?: Record<string, string>;
				body?: unknown;
			}) => {
				const response = await axios.request({
					method: options.method,
					url: options.uri,
					params: options.qs,
					headers: options.headers,
					data: options.body,
					validateStatus: () => true,
				});
				return { statusCode: response.status, headers: response.headers, body: response.data };
			},
		},
	} as unknown as ICredentialTestFunctions;
	const credential = () =>
		({
			id: '1',
			name: 'DingTalk Stream',
			type: 'dingTalkStreamApi',
			data: fake.appConfig(),
		}) as unknown as ICredentialsDecrypted;

	it('says connected and names the topics when the handshake completes', async () => {
		expect(await dingTalkApiCredentialTest.call(context, credential())).toEqual({
			status: 'OK',
			message:
				`Connection successful: access token issued for app ${app.clientId}; ` +
				`mode long_connection, connected yes, topics ${ROBOT}, ${CARD}`,
		});
	});

	it('says not connected and why when the gateway refuses the upgrade', async () => {
		await fake.gateway.stop(); // a stopped gateway refuses every upgrade (401); this test comes last
		expect(await dingTalkApiCredentialTest.call(context, credential())).toEqual({
			status: 'Error',
			message:
				'mode long_connection, connected no, last error: ' +
				'Stream gateway WebSocket handshake failed: HTTP 401',
		});
	});
});
