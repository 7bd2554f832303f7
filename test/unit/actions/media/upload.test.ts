import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'fs';
import type { IBinaryData, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';

import { uploadMedia } from '../../../../nodes/DingTalk/api/media';
import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import {
	AccessTokenCache,
	DingTalkClient,
	DingTalkApiError,
} from '../../../../nodes/DingTalk/transport';
import { axiosSender, n8nHttpSender } from '../../../../nodes/DingTalk/transport/senders';
import type { HttpRequest } from '../../../../nodes/DingTalk/transport/types';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const MB = 1024 * 1024;
/** A real PNG header and a few bytes after it: what a small chart looks like to DingTalk. */
const PNG = Buffer.concat([
	Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
	Buffer.alloc(200, 7),
]);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'dingtalk-media-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Binary data as n8n's filesystem mode keeps it: an id, no content in the item. */
function onDisk(
	fileName: string,
	bytes: number | Buffer,
	mimeType = 'application/pdf',
): IBinaryData {
	const path = join(dir, `${Math.random().toString(36).slice(2)}-${fileName}`);
	if (typeof bytes === 'number') {
		writeFileSync(path, '');
		truncateSync(path, bytes);
	} else writeFileSync(path, bytes);
	return { id: `filesystem-v2:${path}`, data: 'filesystem-v2', fileName, mimeType };
}

function inMemory(fileName: string, bytes: Buffer, mimeType: string): IBinaryData {
	return { data: bytes.toString('base64'), fileName, mimeType };
}

const run = async (mediaType: string, binary: IBinaryData, continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: [{ json: {}, binary: { data: binary } } as INodeExecutionData],
		parameters: { resource: 'media', operation: 'upload', mediaType },
		credentials: { dingTalkStreamApi: credentials() },
		continueOnFail,
	});

describe('DingTalk → Media → Upload', () => {
	it('uploads an in-memory picture as multipart field "media" and outputs its media ID', async () => {
		const { output } = await run('image', inMemory('chart.png', PNG, 'image/png'));
		const [upload] = fake.uploads;
		expect(upload).toMatchObject({
			type: 'image',
			fileName: 'chart.png',
			contentType: 'image/png',
			size: PNG.length,
			head: PNG.subarray(0, 16).toString('hex'),
		});
		const [request] = fake.requestsTo('/media/upload');
		expect(request.query).toMatchObject({ type: 'image', access_token: expect.any(String) });
		expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		expect(output).toEqual([
			{
				json: {
					mediaId: upload.mediaId,
					type: 'image',
					createdAt: upload.at,
					fileName: 'chart.png',
					size: PNG.length,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('streams a 6 MB file n8n keeps on disk, with its declared length', async () => {
		const { output } = await run('file', onDisk('report.pdf', 6 * MB));
		expect(fake.uploads).toEqual([
			expect.objectContaining({ type: 'file', fileName: 'report.pdf', size: 6 * MB }),
		]);
		const [request] = fake.requestsTo('/media/upload');
		expect(Number(request.headers['content-length'])).toBeGreaterThan(6 * MB);
		expect(output[0].json).toMatchObject({ mediaId: fake.uploads[0].mediaId, size: 6 * MB });
	});

	it("refuses a file over DingTalk's limit before sending a byte, saying the limit and what to do", async () => {
		const error = (await run('file', onDisk('huge.pdf', 21 * MB)).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'DingTalk error mediaTooLarge: "huge.pdf" is 21 MB; DingTalk takes at most 20 MB as file. ' +
				'Compress or split it, or share a link to it instead.',
		);
		expect(error.description).toMatch(
			/files \(doc, docx, xls, xlsx, ppt, pptx, zip, pdf, rar\) up to 20 MB/,
		);
		expect(fake.requestsTo('/media/upload')).toHaveLength(0);
	});

	it('refuses a voice recording over 2 MB and a type DingTalk does not take, before sending', async () => {
		const voice = await run('voice', onDisk('memo.mp3', 2 * MB + 1, 'audio/mpeg'), true);
		expect(voice.output[0].json).toMatchObject({ code: 'mediaTooLarge' });
		expect(String(voice.output[0].json.error)).toMatch(/at most 2 MB as voice/);
		const exe = await run('file', inMemory('tool.exe', PNG, 'application/octet-stream'), true);
		expect(exe.output[0].json).toMatchObject({ code: 'mediaTypeNotSupported' });
		expect(String(exe.output[0].json.error)).toMatch(
			/accepts doc, docx, xls, xlsx, ppt, pptx, zip, pdf, rar/,
		);
		expect(fake.requestsTo('/media/upload')).toHaveLength(0);
	});

	it('retries a DingTalk server error with a fresh body that carries the whole file again', async () => {
		const client = new DingTalkClient(fake.appConfig(), axiosSender, { sleep: async () => {} });
		fake.injectFault({ kind: 'serverError', path: '/media/upload' });
		const answer = await uploadMedia(client, 'file', {
			fileName: 'report.pdf',
			size: PNG.length,
			open: async () => Readable.from([PNG.subarray(0, 100), PNG.subarray(100)]),
		});
		const answers = fake.requestsTo('/media/upload').map((r) => r.response as { errcode: number });
		expect(answers.map((a) => a.errcode)).toEqual([-1, 0]);
		expect(fake.uploads).toEqual([expect.objectContaining({ size: PNG.length })]);
		expect(answer.media_id).toBe(fake.uploads[0].mediaId);
	});

	it("answers a type or size DingTalk refuses in DingTalk's legacy error format (the fake's own check)", async () => {
		const post = async (type: string, fileName: string, content: Buffer) => {
			const token = await new DingTalkClient(fake.appConfig(), axiosSender).getAccessToken();
			const body = Buffer.concat([
				Buffer.from(
					`--b0\r\nContent-Disposition: form-data; name="media"; filename="${fileName}"\r\n\r\n`,
				),
				content,
				Buffer.from('\r\n--b0--\r\n'),
			]);
			const response = await fetch(
				`${fake.baseUrl}/media/upload?access_token=${token}&type=${type}`,
				{
					method: 'POST',
					headers: { 'Content-Type': 'multipart/form-data; boundary=b0' },
					body,
				},
			);
			return (await response.json()) as { errcode: number; media_id?: string };
		};
		expect(await post('file', 'tool.exe', PNG)).toMatchObject({ errcode: 40004 });
		expect(await post('voice', 'memo.mp3', Buffer.alloc(2 * MB + 1))).toMatchObject({
			errcode: 40006,
		});
		expect(await post('image', 'chart.png', PNG)).toMatchObject({
			errcode: 0,
			media_id: expect.any(String),
		});
		expect(fake.uploads).toEqual([expect.objectContaining({ size: PNG.length, type: 'image' })]);
	});

	it('re-reads the file when the token expired mid-way and the upload is repeated with a new one', async () => {
		fake.injectFault({ kind: 'expireToken', path: '/media/upload' });
		const { output } = await run('file', onDisk('again.pdf', 300_000));
		const requests = fake.requestsTo('/media/upload');
		expect(requests.map((r) => r.status)).toEqual([200, 200]);
		expect((requests[0].response as { errcode: number }).errcode).toBe(88);
		expect(fake.uploads).toEqual([expect.objectContaining({ size: 300_000 })]);
		expect(output[0].json.mediaId).toBe(fake.uploads[0].mediaId);
	});

	it('refuses a file whose recorded size is not a byte count before sending anything (no Content-Length: NaN)', async () => {
		const client = new DingTalkClient(fake.appConfig(), axiosSender);
		for (const size of [
			Number.NaN,
			'30' as unknown as number,
			undefined as unknown as number,
			1.5,
			-1,
		]) {
			const error = await uploadMedia(client, 'file', {
				fileName: 'unknown.pdf',
				size,
				open: async () => Readable.from([Buffer.alloc(64 * 1024)]),
			}).catch((e: unknown) => e);
			expect(error).toMatchObject({ code: 'mediaSizeUnknown' });
		}
		expect(fake.requestsTo('/media/upload')).toHaveLength(0);
	});

	it('cleans NUL, line and paragraph separators and direction overrides out of the uploaded file name', async () => {
		await run('file', inMemory('re\u0000port\u2028x\u202egpj.pdf', PNG, 'application/pdf'));
		expect(fake.uploads).toEqual([expect.objectContaining({ fileName: 're_port_x_gpj.pdf' })]);
		const [request] = fake.requestsTo('/media/upload');
		expect(JSON.stringify(request)).not.toMatch(/\\u0000|\\u2028|\u2028/);
	});

	it('stops streaming a file that grew past the size n8n recorded (the cap holds while streaming)', async () => {
		const client = new DingTalkClient(fake.appConfig(), axiosSender);
		const error = await uploadMedia(client, 'file', {
			fileName: 'growing.pdf',
			size: 1000,
			open: async () => Readable.from([Buffer.alloc(800), Buffer.alloc(800), Buffer.alloc(800)]),
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DingTalkApiError);
		expect(error).toMatchObject({ code: 'mediaSizeChanged' });
		expect(fake.uploads).toHaveLength(0);
	});

	it('sends the streamed body without redirect following, whose HTTP stack would keep a whole copy to replay it', async () => {
		const requests: HttpRequest[] = [];
		const recording = n8nHttpSender({
			httpRequest: async (options: IHttpRequestOptions) => {
				requests.push({
					...(options as unknown as HttpRequest),
					noRedirects: options.disableFollowRedirect,
				});
				return {
					statusCode: 200,
					headers: {},
					body: { errcode: 0, accessToken: 't', expireIn: 7200, media_id: '@m' },
				};
			},
		});
		const client = new DingTalkClient(fake.appConfig(), recording, {
			tokenCache: new AccessTokenCache(),
		});
		await uploadMedia(client, 'image', {
			fileName: 'a.png',
			size: PNG.length,
			open: async () => PNG,
		});
		expect(requests.map((r) => [r.url.replace(/^.*?(\/[^/]*)$/, '$1'), r.noRedirects])).toEqual([
			['/accessToken', undefined],
			['/upload', true],
		]);
	});
});
