import { NodeApiError } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const GROUP = 'cidFakeGroup001==';
const run = async (groups: string[], robotCode?: string, continueOnFail = false) =>
	await runNode({
		node: new DingTalk(),
		items: groups.map(() => ({ json: {} })),
		parameters: (i) => ({
			resource: 'message',
			operation: 'sendToGroup',
			openConversationId: groups[i],
			messageType: 'markdown',
			title: 'Build',
			markdown: '**green**',
		}),
		credentials: { dingTalkStreamApi: { ...credentials(), ...(robotCode ? { robotCode } : {}) } },
		continueOnFail,
	});

describe('DingTalk → Message → Send to Group', () => {
	it('posts the message in the group and outputs its processQueryKey', async () => {
		const { output } = await run([GROUP]);
		const [request] = fake.requestsTo('/v1.0/robot/groupMessages/send');
		expect(request.body).toEqual({
			robotCode: 'dingfakeappkey0001',
			openConversationId: GROUP,
			msgKey: 'sampleMarkdown',
			msgParam: JSON.stringify({ title: 'Build', text: '**green**' }),
		});
		expect(output).toEqual([
			{
				json: { processQueryKey: fake.sentMessages[0].processQueryKey, openConversationId: GROUP },
				pairedItem: { item: 0 },
			},
		]);
	});

	it("reports a wrong Robot Code with DingTalk's code and the Robot Code hint", async () => {
		const error = (await run([GROUP], 'dingwrongrobot').catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'DingTalk error invalidParameter.robotCode.auth: robotCode 与应用不匹配',
		);
		expect(error.description).toMatch(/Check Robot Code in the credential/);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		const { output } = await run(['cidUnknown==', GROUP], undefined, true);
		expect(output[0]).toMatchObject({
			json: {
				code: 'invalidParameter.openConversationId.invalid',
				error: expect.stringMatching(/^DingTalk error/),
			},
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: { openConversationId: GROUP, processQueryKey: expect.any(String) },
			pairedItem: { item: 1 },
		});
	});

	describe('with a Binary Property as the media source', () => {
		const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(100, 1)]);
		const binary = (fileName: string, bytes: Buffer, mimeType: string) => ({
			data: bytes.toString('base64'),
			fileName,
			mimeType,
		});
		const sendMedia = async (
			parameters: object,
			files: Record<string, object>,
			continueOnFail = false,
		) =>
			await runNode({
				node: new DingTalk(),
				items: [{ json: {}, binary: files as never }],
				parameters: {
					resource: 'message',
					operation: 'sendToGroup',
					openConversationId: GROUP,
					mediaSource: 'binary',
					...parameters,
				},
				credentials: { dingTalkStreamApi: credentials() },
				continueOnFail,
			});

		it("uploads the file, then posts it with the media ID, the file's name and its extension", async () => {
			const { output } = await sendMedia(
				{ messageType: 'file' },
				{ data: binary('Q3 report.xlsx', Buffer.alloc(5000, 3), 'application/vnd.ms-excel') },
			);
			const [upload] = fake.uploads;
			expect(upload).toMatchObject({ type: 'file', fileName: 'Q3 report.xlsx', size: 5000 });
			expect(fake.sentMessages).toEqual([
				expect.objectContaining({
					channel: 'group',
					msgKey: 'sampleFile',
					msgParam: { mediaId: upload.mediaId, fileName: 'Q3 report.xlsx', fileType: 'xlsx' },
				}),
			]);
			expect(output[0].json.processQueryKey).toBe(fake.sentMessages[0].processQueryKey);
		});

		it('uploads a video and its cover picture, then posts sampleVideo with both media IDs', async () => {
			const mp4 = Buffer.alloc(4000, 9);
			await sendMedia(
				{ messageType: 'video', durationSeconds: 12 },
				{
					data: binary('clip.mp4', mp4, 'video/mp4'),
					cover: binary('cover.png', PNG, 'image/png'),
				},
			);
			expect(fake.uploads.map((u) => [u.type, u.fileName])).toEqual([
				['video', 'clip.mp4'],
				['image', 'cover.png'],
			]);
			expect(fake.sentMessages[0]).toMatchObject({
				msgKey: 'sampleVideo',
				msgParam: {
					duration: '12',
					videoMediaId: fake.uploads[0].mediaId,
					videoType: 'mp4',
					picMediaId: fake.uploads[1].mediaId,
				},
			});
		});

		it('sends nothing when the cover picture is refused, not even the video', async () => {
			const { output } = await sendMedia(
				{ messageType: 'video', durationSeconds: 3 },
				{
					data: binary('clip.mp4', Buffer.alloc(100), 'video/mp4'),
					cover: binary('cover.tiff', PNG, 'image/tiff'),
				},
				true,
			);
			expect(output[0].json).toMatchObject({ code: 'mediaTypeNotSupported' });
			expect(fake.requestsTo('/media/upload')).toHaveLength(0);
			expect(fake.sentMessages).toHaveLength(0);
		});

		it('fails clearly when the input item has no such binary field', async () => {
			const { output } = await sendMedia({ messageType: 'image' }, {}, true);
			expect(output[0].json.error).toMatch(/binary file 'data'/);
			expect(fake.requestsTo('/media/upload')).toHaveLength(0);
		});

		it('keeps the Media ID source as it was: no upload, the given media ID sent', async () => {
			await sendMedia(
				{ mediaSource: 'mediaId', messageType: 'file', mediaId: '@lAzGiven', fileName: 'a.pdf' },
				{},
			);
			expect(fake.requestsTo('/media/upload')).toHaveLength(0);
			expect(fake.sentMessages[0]).toMatchObject({
				msgKey: 'sampleFile',
				msgParam: { mediaId: '@lAzGiven', fileName: 'a.pdf', fileType: 'pdf' },
			});
		});
	});
});
