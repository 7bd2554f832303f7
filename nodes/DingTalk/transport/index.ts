export * from './types';
export { DingTalkApiError, permissionFor } from './errors';
export { DingTalkClient } from './DingTalkClient';
export { AccessTokenCache, sharedTokenCache } from './tokenCache';
export { credentialIdentity } from './credentialIdentity';
export { axiosSender, n8nHttpSender, n8nLegacyRequestSender } from './senders';
export { appConfigFromCredentials, HTTP_CREDENTIAL, STREAM_CREDENTIAL } from './credentials';
export { clientFor, credentialTypeOf, toNodeError } from './n8n';
