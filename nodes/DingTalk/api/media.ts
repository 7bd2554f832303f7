import type { DingTalkClient } from '../transport';

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
