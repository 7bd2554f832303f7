import { mkdirSync, readFileSync } from 'fs';
import * as path from 'path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/**
 * Scratch space of the harness (ignored by git): packed tarballs, import files, n8n's working directory. The test
 * suite uses `.e2e/`; `npm start` points it at `.demo/` through DINGTALK_N8N_WORK_DIR. Nothing may assume it exists:
 * write through `scratchDir()`, which creates it.
 */
export const E2E_DIR = process.env.DINGTALK_N8N_WORK_DIR ?? path.join(PROJECT_ROOT, '.e2e');
/** Where every n8n process of the suite writes its output, and where the secrets the suites use are recorded. */
export const LOGS_DIR = path.join(E2E_DIR, 'logs');
export const SECRETS_DIR = path.join(E2E_DIR, 'secrets');
/** n8n's user folder; the demo (`npm start`) points it elsewhere through DINGTALK_N8N_USER_FOLDER. */
export const USER_FOLDER = process.env.DINGTALK_N8N_USER_FOLDER ?? path.join(E2E_DIR, 'n8n-user');
export const N8N_VERSION = process.env.N8N_VERSION ?? '2.41.1';
export const CACHE_DIR = process.env.N8N_CACHE_DIR ?? path.join(PROJECT_ROOT, '.cache');
/**
 * The package's npm name, which is also the prefix of its node and credential types as n8n names them
 * (`<package>.<node>`). Read from package.json so a rename is one edit there (and in the flows' JSON).
 */
export const PACKAGE_PREFIX: string = (
	JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string }
).name;
/** `npm pack`'s file name stem for the package: `@scope/name` becomes `scope-name`. */
export const TARBALL_STEM = PACKAGE_PREFIX.replace(/^@/, '').replace('/', '-');

/** A folder under the scratch space (or the scratch space itself), created if missing. */
export function scratchDir(...parts: string[]): string {
	const dir = path.join(E2E_DIR, ...parts);
	mkdirSync(dir, { recursive: true });
	return dir;
}
