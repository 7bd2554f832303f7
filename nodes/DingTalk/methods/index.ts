export * as listSearch from './listSearch';
export { dingTalkApiCredentialTest } from './credentialTest';
