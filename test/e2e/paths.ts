import * as path from 'path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** Scratch space of the end-to-end suite (ignored by git): the packed tarball and n8n's user folder. */
export const E2E_DIR = path.join(PROJECT_ROOT, '.e2e');
/** Where every n8n process of the suite writes its output, and where the secrets the suites use are recorded. */
export const LOGS_DIR = path.join(E2E_DIR, 'logs');
export const SECRETS_DIR = path.join(E2E_DIR, 'secrets');
/** n8n's user folder; the demo (`npm start`) points it elsewhere through DINGTALK_N8N_USER_FOLDER. */
export const USER_FOLDER = process.env.DINGTALK_N8N_USER_FOLDER ?? path.join(E2E_DIR, 'n8n-user');
export const N8N_VERSION = process.env.N8N_VERSION ?? '2.41.1';
export const CACHE_DIR = process.env.N8N_CACHE_DIR ?? path.join(PROJECT_ROOT, '.cache');
/** The package's node types as n8n names them when installed like Community Nodes does. */
export const PACKAGE_PREFIX = 'n8n-nodes-dingtalk';
