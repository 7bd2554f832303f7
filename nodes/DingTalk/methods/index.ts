export * as approval from './approval';
export * as listSearch from './listSearch';
export { dingTalkApiCredentialTest } from './credentialTest';
