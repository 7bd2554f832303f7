import { request } from 'http';

import type { SentMessage } from '../fake-dingtalk/types';
import type { dingTalkNodeFactory } from './workflows';
import { flow, link } from './workflows';

/**
 * Send and Wait for Response in a running n8n, as the HTTP trigger suite and `npm run test:compat` drive it: n8n's
 * Webhook starts the flow, the DingTalk node sends a card and waits, a signed link from the card resumes it, and a
 * Send to Group ("Report") posts what the waiting node output, where the fake DingTalk records it.
 */

/** n8n's Webhook node (GET, answers at once) on `/webhook/<path>`. */
export const webhookNode = (path: string) => ({
	id: `hook${path.replace(/\W/g, '')}`,
	name: 'Webhook',
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	position: [0, 0],
	webhookId: path,
	parameters: { httpMethod: 'GET', path, responseMode: 'onReceived', options: {} },
});

/**
 * Webhook → DingTalk Send and Wait ("Ask", the given parameters over a title and message) → DingTalk Send to Group
 * ("Report") of `<tag> {"data", "respondent", "query"}` from the item the waiting node output.
 */
export function sendAndWaitFlow(options: {
	id: string;
	hook: string;
	tag: string;
	parameters: Record<string, unknown>;
	dingTalk: ReturnType<typeof dingTalkNodeFactory>;
	/** The group the Report goes to. */
	reportTo: string;
}) {
	const { id, hook, tag, parameters, dingTalk, reportTo } = options;
	return flow(
		id,
		[
			webhookNode(hook),
			dingTalk(
				'Ask',
				{
					resource: 'message',
					operation: 'sendAndWait',
					subject: 'Approval required',
					message: 'Deploy **v2**?',
					...parameters,
				},
				200,
			),
			dingTalk(
				'Report',
				{
					resource: 'message',
					operation: 'sendToGroup',
					openConversationId: reportTo,
					messageType: 'text',
					text: `=${tag} {{ JSON.stringify({ data: $json.data || null, respondent: $json.respondent || null, query: $json.query || null }) }}`,
				},
				400,
			),
		],
		{ Webhook: { main: [[link('Ask')]] }, Ask: { main: [[link('Report')]] } },
	);
}

/** What the Report nodes of a tag posted, parsed, in the order DingTalk received them. */
export const sendAndWaitReports = (sent: SentMessage[], tag: string) =>
	sent
		.filter((m) => m.channel === 'group')
		.map((m) => (m.msgParam as { content?: string } | undefined)?.content ?? '')
		.filter((text) => text.startsWith(`${tag} `))
		.map((text) => JSON.parse(text.slice(tag.length + 1)) as Record<string, unknown>);

/** The ActionCards Send and Wait sent (one per user, or one in the group), with their button links. */
export const sendAndWaitCards = (sent: SentMessage[], title = 'Approval required') =>
	sent
		.filter((m) => (m.msgParam as { title?: string } | undefined)?.title === title)
		.map((m) => ({ ...m, param: m.msgParam as Record<string, string> }));

/** DingTalk's in-app browser, as the pages see it. */
export const DINGTALK_BROWSER = {
	'user-agent': 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 DingTalk/7.6.0',
};

/**
 * Opens a link from a card as DingTalk's browser would: the request goes to the server's address (n8n made the link
 * for WEBHOOK_URL's host, localhost here) but keeps the link's Host header, which n8n 1.x's signature covers.
 */
export async function openLink(
	link: string,
	serverBaseUrl: string,
): Promise<{ status: number; text: string }> {
	const target = new URL(link);
	const server = new URL(serverBaseUrl);
	return await new Promise((resolve, reject) => {
		const req = request(
			{
				host: server.hostname,
				port: server.port,
				path: `${target.pathname}${target.search}`,
				headers: { ...DINGTALK_BROWSER, host: target.host },
				timeout: 30_000,
			},
			(response) => {
				let text = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => (text += chunk));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
				response.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`no answer from ${target.pathname} in 30 s`)));
		req.on('error', reject);
		req.end();
	});
}
