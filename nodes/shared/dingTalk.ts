/**
 * What the Xpert AI node uses of DingTalk (a client for the chosen DingTalk credential, AI card streaming, DingTalk's
 * errors, the credential test): the one place nodes/XpertAi reaches into nodes/DingTalk.
 */
export { AiCardTypist } from '../DingTalk/helpers/cardStreaming';
export { dingTalkApiCredentialTest } from '../DingTalk/methods';
export {
	clientFor,
	DingTalkApiError,
	n8nLegacyRequestSender,
	toNodeError,
} from '../DingTalk/transport';
