import { randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';

import { legacyError, legacyOk } from './replies';
import type { FakeReply } from './types';

/** One file the fake received at /media/upload: what a test checks (the content itself is not kept). */
export interface FakeUpload {
	mediaId: string;
	type: string;
	fileName: string;
	contentType: string;
	size: number;
	/** The first bytes, hex: enough to tell a PNG from a PDF. */
	head: string;
	at: number;
}

const MB = 1024 * 1024;

/**
 * DingTalk's limits, from "Upload a media file" (https://help.dingtalk.io/open/development/upload-media-files):
 * image 20 MB jpg/gif/png/bmp, voice 2 MB amr/mp3/wav, video 20 MB mp4, file 20 MB doc/docx/xls/xlsx/ppt/pptx/zip/pdf/rar;
 * a wrong type is errcode 40004. UNCONFIRMED: the errcode and text for a too large or empty file (40006 here, as in
 * the WeChat-family legacy APIs DingTalk's oapi follows), "MB" as 2^20 bytes, and `.jpeg` accepted as jpg.
 */
const LIMITS: Record<string, { maxBytes: number; extensions: string[] }> = {
	image: { maxBytes: 20 * MB, extensions: ['jpg', 'jpeg', 'gif', 'png', 'bmp'] },
	voice: { maxBytes: 2 * MB, extensions: ['amr', 'mp3', 'wav'] },
	video: { maxBytes: 20 * MB, extensions: ['mp4'] },
	file: {
		maxBytes: 20 * MB,
		extensions: ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'zip', 'pdf', 'rar'],
	},
};
const MAX_PART_HEADER_BYTES = 16 * 1024;

/**
 * Reads a multipart upload as it streams in, keeping only the part's headers, its first bytes and a window for the
 * closing boundary: the fake holds no file in memory, so a benchmark in the same process measures the client only.
 */
export async function receiveMediaUpload(
	req: IncomingMessage,
	query: Record<string, string>,
	headers: Record<string, string>,
	record: (upload: FakeUpload) => void,
): Promise<{ reply: FakeReply; summary: Record<string, unknown> }> {
	const type = query.type ?? '';
	const limit = LIMITS[type];
	const boundary = /boundary=("?)([^";]{1,200})\1/i.exec(headers['content-type'] ?? '')?.[2];
	const refuse = (reply: FakeReply, summary: Record<string, unknown> = {}) => ({
		reply,
		summary: { type, ...summary },
	});
	// DingTalk's doc: type missing or unknown answers 40004 (its C# note: add type to the URL).
	if (!limit || !boundary) {
		req.resume();
		return refuse(legacyError(40004, '不合法的媒体文件类型'));
	}

	const opening = Buffer.from(`--${boundary}\r\n`);
	const closing = Buffer.from(`\r\n--${boundary}--`);
	const malformed = () => refuse(legacyError(40004, '不合法的媒体文件类型: 缺少 media'));
	let header = Buffer.alloc(0);
	let partHeaders: string | undefined;
	let head = Buffer.alloc(0);
	let window = Buffer.alloc(0);
	let contentAndTail = 0;
	// The first problem wins; the rest of the body is drained unread so the answer still reaches the client.
	let problem: ReturnType<typeof refuse> | undefined;
	const take = (chunk: Buffer) => {
		let bytes = chunk;
		if (partHeaders === undefined) {
			header = Buffer.concat([header, bytes]);
			const end = header.indexOf('\r\n\r\n');
			if (end < 0) {
				if (header.length > MAX_PART_HEADER_BYTES) problem = malformed();
				return;
			}
			if (!header.subarray(0, opening.length).equals(opening)) return void (problem = malformed());
			partHeaders = header.subarray(opening.length, end).toString('utf8');
			bytes = header.subarray(end + 4);
		}
		contentAndTail += bytes.length;
		if (contentAndTail > limit.maxBytes + closing.length + 4) {
			problem = refuse(legacyError(40006, '不合法的文件大小'), { size: contentAndTail });
			return;
		}
		if (head.length < 16) head = Buffer.concat([head, bytes.subarray(0, 16 - head.length)]);
		window = Buffer.concat([window, bytes]).subarray(-(closing.length + 4));
	};
	await new Promise<void>((resolve, reject) => {
		req.on('data', (chunk: Buffer) => {
			if (!problem) take(chunk);
		});
		req.on('end', resolve);
		req.on('error', reject);
	});
	if (problem) return problem;
	const at = window.lastIndexOf(closing);
	const disposition =
		/content-disposition:\s*form-data;\s*name="media";\s*filename="([^"\r\n]{1,255})"/i.exec(
			partHeaders ?? '',
		);
	if (partHeaders === undefined || at < 0 || !disposition) return malformed();
	const size = contentAndTail - (window.length - at);
	const fileName = disposition[1];
	const extension = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
	const contentType = /content-type:\s*([^\r\n]{1,200})/i.exec(partHeaders)?.[1].trim() ?? '';
	const summary = { type, fileName, size };
	if (!limit.extensions.includes(extension))
		return refuse(legacyError(40004, '不合法的媒体文件类型'), summary);
	if (size <= 0 || size > limit.maxBytes)
		return refuse(legacyError(40006, '不合法的文件大小'), summary);
	const mediaId = `@lAz${randomBytes(12).toString('hex')}`;
	const createdAt = Date.now();
	record({
		mediaId,
		type,
		fileName,
		contentType,
		size,
		head: head.subarray(0, Math.min(16, size)).toString('hex'),
		at: createdAt,
	});
	return {
		reply: legacyOk({ media_id: mediaId, type, created_at: createdAt }),
		summary: { ...summary, mediaId },
	};
}
