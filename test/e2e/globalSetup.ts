import { rmSync } from 'fs';

import { ensureN8n, installIntoUserFolder, packPackage } from '../harness/install';
import { LOGS_DIR_ENV, SECRETS_DIR_ENV } from '../support/secretLeaks';
import { E2E_DIR, LOGS_DIR, SECRETS_DIR, USER_FOLDER } from '../harness/paths';

/**
 * Once per run: make sure the real n8n is installed (cached), build and pack this package, and install the
 * tarball into a fresh n8n user folder the way the Community Nodes screen does. Turns on the recording of n8n's
 * output and of the secrets in use (inherited by the suites and by the scripts they start), for secretLeaks.e2e.test.ts.
 */
export default async function globalSetup(): Promise<void> {
	ensureN8n();
	rmSync(E2E_DIR, { recursive: true, force: true });
	process.env[LOGS_DIR_ENV] = LOGS_DIR;
	process.env[SECRETS_DIR_ENV] = SECRETS_DIR;
	installIntoUserFolder(packPackage(E2E_DIR), USER_FOLDER);
}
