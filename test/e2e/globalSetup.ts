import { rmSync } from 'fs';

import { ensureN8n, installIntoUserFolder, packPackage } from './install';
import { E2E_DIR, USER_FOLDER } from './paths';

/**
 * Once per run: make sure the real n8n is installed (cached), build and pack this package, and install the
 * tarball into a fresh n8n user folder the way the Community Nodes screen does.
 */
export default async function globalSetup(): Promise<void> {
	ensureN8n();
	rmSync(E2E_DIR, { recursive: true, force: true });
	installIntoUserFolder(packPackage(E2E_DIR), USER_FOLDER);
}
