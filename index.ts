// n8n discovers nodes and credentials through package.json's "n8n" section; this entry point only
// re-exports them for programmatic use (and keeps `main` pointing at a real file).
export { DingTalkHttpApi } from './credentials/DingTalkHttpApi.credentials';
export { DingTalkStreamApi } from './credentials/DingTalkStreamApi.credentials';
export { DingTalk } from './nodes/DingTalk/DingTalk.node';
export { DingTalkTrigger } from './nodes/DingTalk/DingTalkTrigger.node';
export { XpertAiApi } from './credentials/XpertAiApi.credentials';
export { XpertAi } from './nodes/XpertAi/XpertAi.node';
