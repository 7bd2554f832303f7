import axios from 'axios';
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';
import type { Readable } from 'stream';

import { defaultFixture, FakeDingTalk } from '../fake-dingtalk';
import { AccessTokenCache, axiosSender, DingTalkClient } from '../../nodes/DingTalk/transport';
import { attachMedia, maxMediaBytes, maxMediaFiles } from '../../nodes/DingTalk/trigger/media';

/**
 * Download Media against the fake DingTalk, with the two n8n helpers it uses: httpRequest (axios, as n8n's) and
 * prepareBinaryData, which reads a stream to its end as n8n's default binary mode does (filesystem mode streams it).
 */
const fake = new FakeDingTalk(defaultFixture());
let client: DingTalkClient;
/** Each download's body, and how many of its bytes were handed to a reader (its 'data' events). */
const downloads: Array<{ body: Readable; bytesRead: number }> = [];

const context = {
	helpers: {
		httpRequest: async (options: { url: string; encoding?: string; timeout?: number }) => {
			const response = await axios.get(options.url, {
				responseType: options.encoding === 'stream' ? 'stream' : 'arraybuffer',
				timeout: options.timeout,
			});
			const body = response.data as Readable;
			const download = { body, bytesRead: 0 };
			downloads.push(download);
			const emit = body.emit.bind(body);
			body.emit = (event: string | symbol, ...args: unknown[]) => {
				if (event === 'data') download.bytesRead += (args[0] as Buffer).length;
				return emit(event, ...args);
			};
			return { body, headers: response.headers };
		},
		prepareBinaryData: async (data: Buffer | Readable, fileName?: string, mimeType?: string) => {
			const chunks: Buffer[] = [];
			if (Buffer.isBuffer(data)) chunks.push(data);
			else for await (const chunk of data) chunks.push(chunk as Buffer);
			const bytes = Buffer.concat(chunks);
			return {
				data: bytes.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
				bytes: bytes.length,
			};
		},
	},
} as unknown as ITriggerFunctions;

const message = (msgtype: string, downloadCode: string, fileName?: string): IDataObject => ({
	event: 'message',
	raw: { msgtype, content: { downloadCode, ...(fileName ? { fileName } : {}) } },
});

beforeAll(async () => {
	await fake.start();
	client = new DingTalkClient(fake.appConfig(), axiosSender, {
		tokenCache: new AccessTokenCache(),
	});
});
afterAll(async () => await fake.stop());

describe('Download Media with Max Media Size', () => {
	it('a file under the cap arrives intact as binary data', async () => {
		const bytes = Buffer.alloc(300_000, 9);
		const code = fake.addMedia(bytes, 'application/pdf');
		const item = await attachMedia(
			context,
			client,
			message('file', code, 'report.pdf'),
			maxMediaBytes(1),
		);
		expect(item.json.media).toEqual([
			{ type: 'file', binaryProperty: 'media0', fileName: 'report.pdf', size: 300_000 },
		]);
		expect(Buffer.from(item.binary?.media0.data ?? '', 'base64').equals(bytes)).toBe(true);
	});

	it('a file whose declared length is over the cap is not downloaded; the item says so and the run still gets it', async () => {
		const sentBefore = fake.mediaBytesSent;
		const code = fake.addMedia(Buffer.alloc(64 * 1024 * 1024, 1), 'video/mp4');
		downloads.length = 0;
		const item = await attachMedia(context, client, message('video', code), maxMediaBytes(1));
		// Refused on its Content-Length before any byte was read (the streaming cap would read 1 MB first).
		expect(downloads).toHaveLength(1);
		expect(downloads[0]).toMatchObject({ bytesRead: 0 });
		expect(downloads[0].body.destroyed).toBe(true);
		expect(item.binary?.media0).toBeUndefined();
		expect(item.json.media).toEqual([
			expect.objectContaining({
				type: 'video',
				tooLarge: true,
				error: expect.stringMatching(/larger than Max Media Size \(1 MB\).*Raise Max Media Size/),
			}),
		]);
		// Stopped at once: the fake wrote no more than loopback's socket buffers took before the client hung up.
		expect(fake.mediaBytesSent - sentBefore).toBeLessThan(24 * 1024 * 1024);
	});

	it('a file without a declared length is stopped once it passes the cap', async () => {
		const sentBefore = fake.mediaBytesSent;
		const code = fake.addMedia(Buffer.alloc(64 * 1024 * 1024, 2), 'application/zip', {
			hideLength: true,
		});
		downloads.length = 0;
		const item = await attachMedia(
			context,
			client,
			message('file', code, 'big.zip'),
			maxMediaBytes(0.5),
		);
		// Read up to the cap, then stopped (the count the declared-length case relies on does see reads).
		expect(downloads).toHaveLength(1);
		expect(downloads[0].bytesRead).toBeGreaterThan(maxMediaBytes(0.5));
		expect(downloads[0].bytesRead).toBeLessThan(maxMediaBytes(0.5) + 1024 * 1024);
		expect(item.binary?.media0).toBeUndefined();
		expect(item.json.media).toEqual([
			expect.objectContaining({ type: 'file', fileName: 'big.zip', tooLarge: true }),
		]);
		expect(fake.mediaBytesSent - sentBefore).toBeLessThan(24 * 1024 * 1024);
	});

	it('Max Media Size: missing or not positive means 20 MB', () => {
		expect(maxMediaBytes(undefined)).toBe(20 * 1024 * 1024);
		expect(maxMediaBytes(0)).toBe(20 * 1024 * 1024);
		expect(maxMediaBytes(0.01)).toBe(10_485);
	});
});

describe('Download Media with Max Files per Message (issue 20 item 4)', () => {
	const richText = (codes: string[]): IDataObject => ({
		event: 'message',
		raw: {
			msgtype: 'richText',
			content: {
				richText: codes.flatMap((downloadCode, i) => [
					{ text: `picture ${i}` },
					{ type: 'picture', downloadCode, pictureDownloadCode: downloadCode },
				]),
			},
		},
	});
	const downloadCalls = () =>
		fake.requests.filter((r) => r.path === '/v1.0/robot/messageFiles/download').length;

	it('downloads the first files up to the cap, calls DingTalk for those only, and says how many were left out', async () => {
		const codes = Array.from({ length: 25 }, (_, i) =>
			fake.addMedia(Buffer.from(`png ${i}`), 'image/png'),
		);
		const callsBefore = downloadCalls();
		const item = await attachMedia(context, client, richText(codes));
		expect(downloadCalls() - callsBefore).toBe(20);
		expect(Object.keys(item.binary ?? {})).toHaveLength(20);
		expect(item.json.media).toHaveLength(20);
		expect(Buffer.from(item.binary?.media19.data ?? '', 'base64').toString()).toBe('png 19');
		expect(item.json.mediaSkipped).toEqual({
			count: 5,
			reason: expect.stringMatching(
				/25 files; Max Files per Message \(20\) downloads the first 20/,
			),
		});
		const three = await attachMedia(context, client, richText(codes.slice(0, 5)), undefined, 3);
		expect(three.json.media).toHaveLength(3);
		expect(three.json.mediaSkipped).toMatchObject({ count: 2 });
		const all = await attachMedia(context, client, richText(codes.slice(0, 5)));
		expect(all.json.media).toHaveLength(5);
		expect(all.json).not.toHaveProperty('mediaSkipped');
	});

	it('Max Files per Message: missing or below 1 means 20; fractions round down', () => {
		expect(maxMediaFiles(undefined)).toBe(20);
		expect(maxMediaFiles(0)).toBe(20);
		expect(maxMediaFiles('5')).toBe(20);
		expect(maxMediaFiles(3.7)).toBe(3);
	});
});
