import type { FakeProcessTemplate } from './workflowRoutes';

export interface FakeApp {
	clientId: string;
	clientSecret: string;
	robotCode: string;
	corpId?: string;
	/** Event Subscription settings for HTTP mode (Token and aes_key in the Developer Console). */
	callbackToken?: string;
	callbackAesKey?: string;
}

export interface FakeUser {
	userid: string;
	name: string;
	deptIds: number[];
	unionid?: string;
	mobile?: string;
	title?: string;
	email?: string;
	admin?: boolean;
}

/** The root department is dept_id 1 with parent 0. */
export interface FakeDepartment {
	dept_id: number;
	name: string;
	parent_id: number;
}

export interface FakeConversation {
	openConversationId: string;
	title: string;
	memberUserIds: string[];
}

export interface FakeOptions {
	apps?: FakeApp[];
	users?: FakeUser[];
	departments?: FakeDepartment[];
	conversations?: FakeConversation[];
	tokenTtlSeconds?: number;
	flowControlledUserIds?: string[];
	/** Per-app QPS limits by API path (DingTalk's 403 QpsLimitForAppkeyAndApi over them); none by default. */
	qpsLimits?: Record<string, number>;
	/** OA approval templates (default: workflowRoutes.ts defaultApprovalTemplates()). */
	processTemplates?: FakeProcessTemplate[];
}

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
	status: number;
	response: unknown;
	at: number;
}

export type FaultKind =
	| 'flowControl'
	| 'qpsLimitForApi'
	| 'http429'
	| 'serverError'
	| 'expireToken'
	| 'slow'
	| 'invalidJson';

export interface Fault {
	/** Exact path, or a RegExp over the path; none = any path. */
	path?: string | RegExp;
	kind: FaultKind;
	/** How many matching requests it hits (default 1). */
	times?: number;
	/** Matching requests to let through before the fault starts (default 0). */
	after?: number;
	/** For `slow`: how long to wait before answering normally. */
	delayMs?: number;
}

export interface SentMessage {
	channel: 'oto' | 'group' | 'session';
	processQueryKey?: string;
	robotCode?: string;
	userIds?: string[];
	openConversationId?: string;
	msgKey?: string;
	msgParam?: unknown;
	body?: unknown;
	recalled?: boolean;
	at: number;
}

/** A reaction the robot put on (added) or took back from (removed) a user's message. */
export interface ReactionEvent {
	action: 'added' | 'removed';
	openMsgId: string;
	openConversationId: string;
	text: string;
	emotionId: string;
	backgroundId: string;
	at: number;
}

export interface CardStreamUpdate {
	key: string;
	content: string;
	isFull: boolean;
	isFinalize: boolean;
	isError: boolean;
	guid: string;
}

export interface FakeCard {
	cardTemplateId: string;
	cardData: Record<string, string>;
	/** Per user ID `{ cardParamMap }`: what only that user sees (and what `${…}` in their button params reads). */
	privateData?: unknown;
	/** The app that created the card: its clicks go to that app's callbacks. */
	clientId?: string;
	openSpaceId: string;
	callbackType?: string;
	streams: CardStreamUpdate[];
	/** Values of streamed fields as a user would see them now. */
	fieldValues: Record<string, string>;
	finalized: boolean;
	failed: boolean;
}

/** A request as a route sees it. */
export interface FakeRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
}

export interface FakeReply {
	status: number;
	body: unknown;
	/** Sent as-is instead of JSON (for non-JSON answers). */
	raw?: string;
}
