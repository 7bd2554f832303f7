/**
 * The n8n harness: a real n8n 2.41.1 (installed once into `.cache/`), this package packed and installed into a user
 * folder as the Community Nodes screen does, n8n's CLI (import, publish, execute) and a started `n8n start`, plus
 * builders for the small workflows tests import. Used by the end-to-end tests, the main job (`scripts/start.ts`),
 * the queue and soak scenarios and the benches; it depends on nothing under `test/e2e/`.
 * Scratch files go under `.e2e/` (or DINGTALK_N8N_WORK_DIR), created on first use.
 */
export * from './paths';
export * from './install';
export * from './n8n';
export * from './server';
export * from './helpers';
export * from './workflows';
export * from './sendAndWait';
