import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

import {
	describeFindings,
	loadSecrets,
	LOGS_DIR_ENV,
	openProcessLog,
	recordCredentialSecrets,
	recordSecret,
	scanFiles,
	SECRETS_DIR_ENV,
} from '../support/secretLeaks';

/** The e2e secret leak check's parts (test/e2e/secretLeaks.e2e.test.ts): recording, loading, and that a leak is found. */
let dir: string;
const saved = { secrets: process.env[SECRETS_DIR_ENV], logs: process.env[LOGS_DIR_ENV] };

beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'leaks-unit-'));
	process.env[SECRETS_DIR_ENV] = path.join(dir, 'secrets');
	process.env[LOGS_DIR_ENV] = path.join(dir, 'logs');
});
afterEach(() => {
	rmSync(dir, { recursive: true, force: true });
	for (const [name, value] of [
		[SECRETS_DIR_ENV, saved.secrets],
		[LOGS_DIR_ENV, saved.logs],
	] as const) {
		if (value === undefined) delete process.env[name];
		else process.env[name] = value;
	}
});

const SECRET = 'fake-secret-0001-abcdefghijklmnopqrstuvwxyz';
const TOKEN = '0123456789abcdef0123456789abcdef';

it('records credential secrets and issued tokens; skips values too short to search for, and says which', () => {
	recordCredentialSecrets([
		{
			type: 'dingTalkHttpApi',
			data: {
				clientId: 'dingfakeappkey0001',
				clientSecret: SECRET,
				callbackToken: 'tok',
				callbackAesKey: 'a'.repeat(43),
			},
		},
	]);
	recordSecret('DingTalk access token', TOKEN);
	recordSecret('DingTalk access token', TOKEN);
	const { secrets, skipped } = loadSecrets(path.join(dir, 'secrets'));
	expect(secrets).toEqual([
		{ kind: 'dingTalkHttpApi.clientSecret', value: SECRET },
		{ kind: 'dingTalkHttpApi.callbackAesKey', value: 'a'.repeat(43) },
		{ kind: 'DingTalk access token', value: TOKEN },
	]);
	expect(skipped).toEqual([{ kind: 'dingTalkHttpApi.callbackToken', length: 3 }]);
});

it('records nothing when the e2e suite did not turn recording on', () => {
	delete process.env[SECRETS_DIR_ENV];
	delete process.env[LOGS_DIR_ENV];
	recordSecret('x', SECRET);
	openProcessLog('cli-execute').write('hello');
	expect(readdirSync(dir)).toEqual([]);
});

it('a process log is written through chunk by chunk', () => {
	const log = openProcessLog('cli-execute');
	log.write('first ');
	expect(readFileSync(log.file as string, 'utf8')).toBe('first ');
	log.write(Buffer.from('second'));
	expect(readFileSync(log.file as string, 'utf8')).toBe('first second');
});

it('a planted secret in a log is found, reported by file and kind, never by value', () => {
	recordSecret('DingTalk Client Secret', SECRET);
	recordSecret('DingTalk access token', TOKEN);
	const { secrets } = loadSecrets(path.join(dir, 'secrets'));
	const clean = path.join(dir, 'clean.log');
	const leaky = path.join(dir, 'leaky.log');
	writeFileSync(clean, 'Editor is now accessible via:\nhttp://localhost:5678\n');
	writeFileSync(leaky, `GET /topapi/v2/user/get?access_token=${TOKEN} failed\n`);
	const report = describeFindings(scanFiles([clean, leaky], secrets).findings);
	expect(report).toEqual([`${leaky}: DingTalk access token`]);
	expect(report.join('\n')).not.toContain(TOKEN);
});
