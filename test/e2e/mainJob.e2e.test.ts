import { spawnSync } from 'child_process';
import * as path from 'path';

import { E2E_DIR, PROJECT_ROOT } from './paths';

/** The README's first command, in its check mode: every demo flow runs in a real n8n against the fake DingTalk. */
it('npm start -- --check runs every demo flow successfully, trigger flows included', () => {
	const run = spawnSync('npx', ['tsx', 'scripts/start.ts', '--check'], {
		cwd: PROJECT_ROOT,
		encoding: 'utf8',
		timeout: 240_000,
		env: {
			...process.env,
			DINGTALK_N8N_USER_FOLDER: path.join(E2E_DIR, 'main-job-user'),
			FAKE_DINGTALK_PORT: '0',
			DINGTALK_CLIENT_ID: '',
			DINGTALK_CLIENT_SECRET: '',
			FAKE_XPERT_PORT: '0',
			XPERT_API_KEY: '',
			FAKE_OPENAI_PORT: '0',
			OPENAI_API_KEY: '',
		},
	});
	expect(run.status).toBe(0);
	const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
		outcomes: Array<{ flow: string; ok: boolean; reply?: string }>;
		dingTalkRequests: string[];
	};
	expect(report.outcomes.length).toBeGreaterThan(0);
	expect(report.outcomes.every((o) => o.ok)).toBe(true);
	expect(report.dingTalkRequests).toContain('POST /v1.0/robot/oToMessages/batchSend → 200');
	// The Digital Expert flows answered a message written to the bot: in Stream mode (Markdown reply and, in a group,
	// a streaming AI card) and in HTTP mode; their manual test branches ran from the CLI.
	const answered = report.outcomes.filter((o) => o.reply).map((o) => o.flow);
	expect(answered.sort()).toEqual(['DingTalk ↔ Digital Expert (HTTP callbacks)', 'DingTalk ↔ Digital Expert (Stream)', 'DingTalk ↔ Digital Expert (streaming AI card)']);
	for (const outcome of report.outcomes.filter((o) => o.reply)) expect(outcome.reply).toContain('IT Helpdesk');
}, 260_000);
