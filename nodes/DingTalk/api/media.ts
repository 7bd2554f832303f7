import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

import { type DingTalkClient, DingTalkApiError } from '../transport';

/** POST /v1.0/robot/messageFiles/download: a file a message carries, by the downloadCode in the message. */
export interface MessageFileDownloadRequest {
	downloadCode: string;
	robotCode: string;
}

export interface MessageFileDownloadResponse {
	/** Short-lived; fetched without DingTalk's token. */
	downloadUrl?: string;
}

export async function messageFileDownloadUrl(
	client: DingTalkClient,
	downloadCode: string,
): Promise<MessageFileDownloadResponse> {
	const request: MessageFileDownloadRequest = { downloadCode, robotCode: client.app.robotCode };
	return await client.api<MessageFileDownloadResponse>(
		'POST',
		'/v1.0/robot/messageFiles/download',
		request,
	);
}

/**
 * POST <legacy base>/media/upload?access_token=…&type=…, multipart field `media` with a filename; answers
 * `{errcode, errmsg, media_id, type, created_at}` (the client turns a non-zero errcode into DingTalkApiError).
 */
export const MEDIA_UPLOAD_PATH = '/media/upload';

export type MediaType = 'image' | 'voice' | 'video' | 'file';

export interface MediaLimit {
	maxBytes: number;
	extensions: string[];
}

const MB = 1024 * 1024;

/**
 * DingTalk's limits per media type, from "Upload a media file" (https://help.dingtalk.io/open/development/upload-media-files):
 * image 20 MB jpg/gif/png/bmp; voice 2 MB amr/mp3/wav; video 20 MB mp4; file 20 MB doc/docx/xls/xlsx/ppt/pptx/zip/pdf/rar;
 * a wrong type answers errcode 40004. UNCONFIRMED: whether "MB" means 2^20 bytes (assumed) and whether `.jpeg` passes as
 * jpg (accepted here: the same format). Checked before any byte is sent, so a refusal costs no upload.
 */
export const MEDIA_LIMITS: Record<MediaType, MediaLimit> = {
	image: { maxBytes: 20 * MB, extensions: ['jpg', 'jpeg', 'gif', 'png', 'bmp'] },
	voice: { maxBytes: 2 * MB, extensions: ['amr', 'mp3', 'wav'] },
	video: { maxBytes: 20 * MB, extensions: ['mp4'] },
	file: {
		maxBytes: 20 * MB,
		extensions: ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'zip', 'pdf', 'rar'],
	},
};

export interface MediaUploadResponse {
	errcode?: number;
	errmsg?: string;
	media_id?: string;
	type?: string;
	created_at?: number;
}

/** A file to upload: its name and size as n8n recorded them, and its content, opened afresh per attempt. */
export interface MediaFile {
	fileName: string;
	mimeType?: string;
	size: number;
	open: () => Promise<Readable | Buffer>;
}

/** The file's extension (lower case), or the one its MIME type implies when the name has none. */
export function mediaExtensionOf(fileName: string, mimeType?: string): string {
	const dot = fileName.lastIndexOf('.');
	if (dot > 0 && dot < fileName.length - 1) return fileName.slice(dot + 1).toLowerCase();
	const subtype = (mimeType ?? '').split(';')[0].split('/')[1]?.trim().toLowerCase() ?? '';
	return subtype === 'jpeg' ? 'jpg' : subtype;
}

/** Refuses, before sending, what DingTalk would refuse: the message says the limit and what to do. */
export function checkMediaLimits(
	type: MediaType,
	file: Pick<MediaFile, 'fileName' | 'mimeType' | 'size'>,
): void {
	const limit = MEDIA_LIMITS[type];
	const extension = mediaExtensionOf(file.fileName, file.mimeType);
	if (!limit.extensions.includes(extension)) {
		throw mediaError(
			'mediaTypeNotSupported',
			`"${file.fileName}" is not a type DingTalk takes as ${type}: it accepts ${limit.extensions.join(', ')}. ` +
				'Convert the file, or choose the media type that fits it (any document as File).',
		);
	}
	if (!Number.isSafeInteger(file.size) || file.size < 0) {
		// Not a byte count (a missing or textual size in n8n's metadata): neither the limits nor the streaming cap hold.
		throw mediaError(
			'mediaSizeUnknown',
			`n8n recorded no usable size for "${file.fileName}", so it is not sent. Write the file to binary data again (for example with Read/Write Files from Disk) and retry.`,
		);
	}
	if (file.size === 0) {
		throw mediaError(
			'mediaEmpty',
			`"${file.fileName}" is empty; DingTalk does not take empty files.`,
		);
	}
	if (file.size > limit.maxBytes) {
		throw mediaError(
			'mediaTooLarge',
			`"${file.fileName}" is ${megabytes(file.size)} MB; DingTalk takes at most ${megabytes(limit.maxBytes)} MB as ${type}. ` +
				'Compress or split it, or share a link to it instead.',
		);
	}
}

/** Uploads one file, streamed: never more than one chunk of it in memory, and never more bytes than declared. */
export async function uploadMedia(
	client: DingTalkClient,
	type: MediaType,
	file: MediaFile,
): Promise<MediaUploadResponse & { media_id: string }> {
	checkMediaLimits(type, file);
	const boundary = `----n8nDingTalk${randomBytes(12).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="${safeFileName(file.fileName)}"\r\n` +
			`Content-Type: ${safeMimeType(file.mimeType)}\r\n\r\n`,
		'utf8',
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	const answer = await client.legacy<MediaUploadResponse>(
		'POST',
		MEDIA_UPLOAD_PATH,
		() => Readable.from(multipart(head, file, tail)),
		{
			qs: { type },
			// After a server error a repeated upload only makes a second media ID nobody uses.
			repeatAfterServerError: true,
			headers: {
				'Content-Type': `multipart/form-data; boundary=${boundary}`,
				'Content-Length': String(head.length + file.size + tail.length),
			},
		},
	);
	if (!answer?.media_id) {
		throw new DingTalkApiError({
			code: 'INVALID_RESPONSE',
			dingTalkMessage: 'The media upload answered without a media_id',
			kind: 'invalidResponse',
			endpoint: MEDIA_UPLOAD_PATH,
		});
	}
	return answer as MediaUploadResponse & { media_id: string };
}

async function* multipart(head: Buffer, file: MediaFile, tail: Buffer): AsyncGenerator<Buffer> {
	yield head;
	const content = await file.open();
	let sent = 0;
	for await (const chunk of Buffer.isBuffer(content) ? [content] : content) {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
		sent += bytes.length;
		// The cap holds while streaming: a file that grew since n8n measured it is cut off, not sent whole.
		if (sent > file.size) {
			if (!Buffer.isBuffer(content)) content.destroy();
			throw mediaError(
				'mediaSizeChanged',
				`"${file.fileName}" is larger than the ${file.size} bytes n8n recorded for it`,
			);
		}
		yield bytes;
	}
	if (sent !== file.size) {
		throw mediaError(
			'mediaSizeChanged',
			`"${file.fileName}" has ${sent} bytes, not the ${file.size} n8n recorded for it`,
		);
	}
	yield tail;
}

function mediaError(code: string, message: string): DingTalkApiError {
	return new DingTalkApiError({
		code,
		dingTalkMessage: message,
		kind: 'invalidRequest',
		endpoint: MEDIA_UPLOAD_PATH,
	});
}

function megabytes(bytes: number): string {
	return (bytes / MB).toFixed(1).replace(/\.0$/, '');
}

/**
 * A file name inside a quoted header value: no quote, backslash or control character can end it early, and no line
 * or paragraph separator or direction override reaches the name people see in DingTalk.
 */
function safeFileName(fileName: string): string {
	let out = '';
	for (const char of fileName) out += unsafeInFileName(char.charCodeAt(0)) ? '_' : char;
	return out;
}

function unsafeInFileName(code: number): boolean {
	return (
		code === 0x22 || // "
		code === 0x5c || // \
		code < 0x20 ||
		(code >= 0x7f && code <= 0x9f) ||
		code === 0x2028 ||
		code === 0x2029 ||
		(code >= 0x202a && code <= 0x202e) ||
		(code >= 0x2066 && code <= 0x2069)
	);
}

function safeMimeType(mimeType: string | undefined): string {
	return mimeType && /^[\w.+-]+\/[\w.+-]+$/.test(mimeType) ? mimeType : 'application/octet-stream';
}
