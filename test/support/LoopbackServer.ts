import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

/** An HTTP server on loopback for the fake services: start on a port (0 = any free one), stop, and its base URL. */
export abstract class LoopbackServer {
	private server?: Server;
	private url?: string;

	protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

	async start(port = 0): Promise<void> {
		const server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => resolve());
		});
		this.server = server;
		this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	get baseUrl(): string {
		if (!this.url) throw new Error(`${this.constructor.name} is not started`);
		return this.url;
	}
}
