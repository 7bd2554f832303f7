export { FakeDingTalk } from './FakeDingTalk';
export { defaultFixture } from './fixture';
export type * from './types';
export { FAKE_CHATBOT_USER_ID, robotMessage } from './robotMessage';
export { DingTalkCallbackPusher, type PushAnswer, type PushedCallback } from './callbackPush';
export {
	applyAnswer,
	type CardClick,
	DECISION_TEMPLATE_ID,
	type FakeCardTemplate,
	resolveParams,
} from './cardClicks';
export { badCallbackCases, type BadCallbackCase } from './badCallbacks';
export {
	inboundMessage,
	quoteFixtures,
	quoteSnapshot,
	withQuote,
	type QuoteFixture,
	type QuoteOptions,
	type QuoteShape,
} from './quotes';
export {
	approvalEventData,
	EVENT_CORP_ID,
	EVENT_FIXTURES,
	HOSTILE_EVENT_DATA,
	httpEventPayload,
	newEventId,
} from './orgEvents';
export {
	defaultApprovalTemplates,
	FakeWorkflow,
	type FakeFormField,
	type FakeProcessInstance,
	type FakeProcessTemplate,
	type FakeTask,
} from './workflowRoutes';
