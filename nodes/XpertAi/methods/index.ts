import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodeListSearchResult,
} from 'n8n-workflow';

import { n8nLegacyRequestSender } from '../../shared/dingTalk';
import { listExperts, requestOptions, xpertClientFor } from '../transport/xpertApi';

export const listSearch = {
	async searchExperts(
		this: ILoadOptionsFunctions,
		filter?: string,
	): Promise<INodeListSearchResult> {
		const experts = await listExperts(xpertClientFor(this), 500);
		const wanted = (filter ?? '').toLowerCase();
		return {
			results: experts
				.filter(
					(e) =>
						!wanted ||
						`${String(e.name)} ${String(e.description ?? '')}`.toLowerCase().includes(wanted),
				)
				.map((e) => ({
					name: String(e.name),
					value: String(e.assistant_id),
					description: String(e.description ?? ''),
				})),
		};
	},
};

/** Lists the experts the key can see: proves Base URL, API key and organisation at once, and names what it found. */
export async function xpertAiApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const options = requestOptions(data, {
		method: 'POST',
		path: '/assistants/search',
		body: { limit: 100, offset: 0 },
		timeoutMs: 15_000,
	});
	options.headers = { ...options.headers, 'x-api-key': String(data.apiKey ?? '') };
	const send = n8nLegacyRequestSender(this.helpers);
	let response;
	try {
		response = await send({
			method: 'POST',
			url: options.url as string,
			headers: options.headers as Record<string, string>,
			body: options.body,
			timeoutMs: 15_000,
		});
	} catch (error) {
		return {
			status: 'Error',
			message: `Cannot reach Xpert AI at ${String(data.baseUrl)}: ${(error as Error).message}`,
		};
	}
	if (response.status === 401 || response.status === 403)
		return {
			status: 'Error',
			message: 'Xpert AI refused the API key: check API Key (and Organization ID)',
		};
	if (response.status === 404)
		return {
			status: 'Error',
			message: 'Not found: the Base URL must be your Xpert AI server followed by /api/ai',
		};
	if (response.status >= 400 || !Array.isArray(response.body))
		return {
			status: 'Error',
			message: `Xpert AI answered ${response.status}: ${JSON.stringify(response.body).slice(0, 200)}`,
		};
	const experts = response.body as IDataObject[];
	const names = experts.map((e) => String(e.name)).slice(0, 5);
	return {
		status: 'OK',
		message: `Connection successful: ${experts.length} Digital Expert(s) visible${names.length ? `: ${names.join(', ')}` : ' (publish one in Xpert AI to use it here)'}`,
	};
}
