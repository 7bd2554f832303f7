/** What the demo (`npm start`) and `npm run screenshots` share: the prebuilt flows and the credentials they name. */
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';

import type { CredentialFile } from '../test/harness/n8n';
import { PROJECT_ROOT } from '../test/harness/paths';

export interface DemoFlow {
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		webhookId?: string;
		parameters?: {
			mode?: string;
			conversationTypes?: string;
			events?: string[];
			approvalProcessCodes?: string;
			operation?: string;
			cardTemplateId?: string;
		};
	}>;
	meta?: { publishInDemo?: boolean };
	/** The file in workflows/ it came from, without `.json` (not part of the flow). */
	file: string;
}

/** Every flow in workflows/, by file name. */
export function loadDemoFlows(): DemoFlow[] {
	const dir = path.join(PROJECT_ROOT, 'workflows');
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({
			...(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Omit<DemoFlow, 'file'>),
			file: file.replace(/\.json$/, ''),
		}));
}

/** The flow as n8n imports it (without the file name). */
export const importable = ({ file: _file, ...flow }: DemoFlow) => flow;

/** The four credentials the prebuilt flows reference by name and id. */
export function demoCredentials(data: {
	dingTalk: Record<string, string>;
	dingTalkHttp: Record<string, string>;
	xpert: Record<string, string>;
	model: Record<string, string>;
}): CredentialFile[] {
	return [
		{ id: 'openAiDemoCred', name: 'OpenAI-compatible model', type: 'openAiApi', data: data.model },
		{
			id: 'dingtalkDemoCred',
			name: 'DingTalk account',
			type: 'dingTalkStreamApi',
			data: data.dingTalk,
		},
		{
			id: 'dingtalkDemoHttpCred',
			name: 'DingTalk account (HTTP)',
			type: 'dingTalkHttpApi',
			data: data.dingTalkHttp,
		},
		{ id: 'xpertDemoCred', name: 'Xpert AI account', type: 'xpertAiApi', data: data.xpert },
	];
}
