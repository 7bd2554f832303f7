/**
 * Upload + send of a 5 MB file (Message → Send to Group with a Binary Property source): the process's peak RSS
 * growth and the DingTalk calls made, streamed from a file n8n keeps on disk vs a baseline in the same run that
 * holds the file in memory (as n8n's in-memory binary mode does: base64 in the item, decoded to a Buffer).
 * The fake DingTalk in this process keeps no upload in memory, so the figures are the client's.
 * Prints one JSON object. Run: node --expose-gc --import tsx bench/media-upload.bench.ts
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'fs';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { tmpdir } from 'os';
import { join } from 'path';

import { binaryMediaFile } from '../nodes/DingTalk/actions/media/binaryFile';
import { sendGroupMessage } from '../nodes/DingTalk/actions/message/send';
import { mediaExtensionOf, uploadMedia } from '../nodes/DingTalk/api/media';
import { toRobotTemplate } from '../nodes/DingTalk/helpers/messageContent';
import { AccessTokenCache, axiosSender, DingTalkClient } from '../nodes/DingTalk/transport';
import { defaultFixture, FakeDingTalk } from '../test/fake-dingtalk';
import { atMost, reportWithGoals } from './goals';

const FILE_BYTES = 5 * 1024 * 1024;

/** The binary helpers binaryMediaFile uses, as n8n-core provides them in filesystem mode. */
function contextFor(binary: IBinaryData, path: string): IExecuteFunctions {
	return {
		helpers: {
			assertBinaryData: () => binary,
			getBinaryMetadata: async () => ({ fileSize: statSync(path).size }),
			getBinaryStream: async () => createReadStream(path, { highWaterMark: 64 * 1024 }),
		},
	} as unknown as IExecuteFunctions;
}

async function main() {
	const fixture = defaultFixture();
	const group = fixture.conversations[0].openConversationId;
	const fake = new FakeDingTalk(fixture);
	await fake.start();
	const dir = mkdtempSync(join(tmpdir(), 'media-bench-'));
	const path = join(dir, 'report.pdf');
	writeFileSync(path, Buffer.alloc(FILE_BYTES, 'x'));

	const measure = async (label: string, binary: () => IBinaryData) => {
		fake.reset();
		(globalThis as { gc?: () => void }).gc?.();
		const before = process.memoryUsage();
		let peak = before.rss;
		let peakBuffers = before.arrayBuffers;
		const sample = () => {
			// Collected first, so what remains is what the upload holds alive, not chunks already sent.
			(globalThis as { gc?: () => void }).gc?.();
			const now = process.memoryUsage();
			peak = Math.max(peak, now.rss);
			peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
		};
		const sampler = setInterval(sample, 5);
		const client = new DingTalkClient(fake.appConfig(), axiosSender, {
			tokenCache: new AccessTokenCache(),
		});
		const file = await binaryMediaFile(contextFor(binary(), path), 0, 'data');
		const uploaded = await uploadMedia(client, 'file', file);
		const content = {
			type: 'file' as const,
			mediaId: uploaded.media_id,
			fileName: file.fileName,
			fileType: mediaExtensionOf(file.fileName),
		};
		await sendGroupMessage(client, group, toRobotTemplate(content));
		sample();
		clearInterval(sampler);
		return {
			label,
			rssGrowthMB: +((peak - before.rss) / 1024 / 1024).toFixed(1),
			// RSS may not grow when freed memory is reused; Buffers alive after a GC show what was held at once.
			peakLiveBufferGrowthMB: +((peakBuffers - before.arrayBuffers) / 1024 / 1024).toFixed(1),
			calls: fake.requests.map((r) => `${r.method} ${r.path}`),
			uploadedBytes: fake.uploads[0]?.size,
		};
	};

	// A first run loads the code paths, so neither measured run pays for that.
	await measure('warm-up', () => ({
		id: `filesystem-v2:${path}`,
		data: 'filesystem-v2',
		fileName: 'report.pdf',
		mimeType: 'application/pdf',
	}));
	// The streamed run goes first, so the baseline's larger heap cannot flatter it.
	const streamed = await measure('streamed from disk (filesystem binary mode)', () => ({
		id: `filesystem-v2:${path}`,
		data: 'filesystem-v2',
		fileName: 'report.pdf',
		mimeType: 'application/pdf',
	}));
	const buffered = await measure('baseline: held in memory (in-memory binary mode)', () => ({
		data: Buffer.alloc(FILE_BYTES, 'x').toString('base64'),
		fileName: 'report.pdf',
		mimeType: 'application/pdf',
	}));
	await fake.stop();
	rmSync(dir, { recursive: true, force: true });
	const liveBufferGrowthRatio = +(
		streamed.peakLiveBufferGrowthMB / Math.max(buffered.peakLiveBufferGrowthMB, 0.1)
	).toFixed(3);
	reportWithGoals(
		{
			fileBytes: FILE_BYTES,
			gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
			streamed,
			buffered,
			rssGrowthRatio: +(streamed.rssGrowthMB / Math.max(buffered.rssGrowthMB, 0.1)).toFixed(3),
			liveBufferGrowthRatio,
		},
		[
			// Streamed, the file is never held whole: a small part of what the in-memory baseline holds at once.
			atMost('liveBufferGrowthRatio', liveBufferGrowthRatio, 0.25),
			// Token, upload, send.
			atMost('streamed.calls.length', streamed.calls.length, 3),
		],
	);
}

void main();
