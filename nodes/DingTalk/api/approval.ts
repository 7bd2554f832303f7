import type { DingTalkClient } from '../transport';

/**
 * OA approvals (new OpenAPI, api.dingtalk.com/v1.0/workflow). Request and answer fields are those of DingTalk's
 * generated SDK models (@alicloud/dingtalk, workflow_1_0): StartProcessInstance, GetProcessInstance,
 * ListProcessInstanceIds, ExecuteProcessInstance, AddProcessInstanceComment, TerminateProcessInstance,
 * QuerySchemaByProcessCode and ListUserVisibleBpmsProcesses. Reads may be repeated after a network error; the
 * writes may not (a repeated Create would start a second approval).
 */

export const INSTANCES_PATH = '/v1.0/workflow/processInstances';
/** DingTalk's page size maximum for instance ID lists. */
export const MAX_INSTANCE_ID_PAGE = 20;
/** UNCONFIRMED: the page size maximum for the visible-template list (the SDK's example is 10). */
export const MAX_TEMPLATE_PAGE = 100;

/** One form value as StartProcessInstance takes it: the field's label (`name`) and its value as text. */
export interface FormComponentValue {
	name: string;
	value: string;
	id?: string;
	componentType?: string;
}

/** StartProcessInstanceRequestApprovers: one approval step; AND needs everyone, OR anyone, NONE a single user. */
export interface ApproverStep {
	actionType: 'AND' | 'OR' | 'NONE';
	userIds: string[];
}

/** POST /v1.0/workflow/processInstances (StartProcessInstanceRequest, the fields this package sends). */
export interface StartProcessInstanceRequest {
	processCode: string;
	originatorUserId: string;
	/** -1 is the organisation's root department. */
	deptId: number;
	formComponentValues: FormComponentValue[];
	approvers?: ApproverStep[];
	ccList?: string[];
	ccPosition?: 'START' | 'FINISH' | 'START_FINISH';
}

export interface StartProcessInstanceResponse {
	instanceId?: string;
}

/** GetProcessInstanceResponseBodyResultFormComponentValues */
export interface InstanceFormValue {
	id?: string;
	name?: string;
	value?: string;
	extValue?: string;
	componentType?: string;
	bizAlias?: string;
}

/** GetProcessInstanceResponseBodyResultTasks */
export interface InstanceTask {
	taskId?: number;
	userId?: string;
	status?: string;
	result?: string;
	activityId?: string;
	createTime?: string;
	finishTime?: string;
	pcUrl?: string;
	mobileUrl?: string;
}

/** GetProcessInstanceResponseBodyResultOperationRecords */
export interface OperationRecord {
	userId?: string;
	date?: string;
	type?: string;
	result?: string;
	remark?: string;
	showName?: string;
	activityId?: string;
}

/** GetProcessInstanceResponseBodyResult */
export interface ProcessInstance {
	title?: string;
	status?: string;
	result?: string;
	originatorUserId?: string;
	originatorDeptId?: string;
	originatorDeptName?: string;
	createTime?: string;
	finishTime?: string;
	businessId?: string;
	approverUserIds?: string[];
	ccUserIds?: string[];
	formComponentValues?: InstanceFormValue[];
	tasks?: InstanceTask[];
	operationRecords?: OperationRecord[];
}

/** POST /v1.0/workflow/processes/instanceIds/query (ListProcessInstanceIdsRequest). Times in epoch ms. */
export interface ListInstanceIdsRequest {
	processCode: string;
	startTime: number;
	endTime?: number;
	/** 0 for the first page, then the answer's nextToken. */
	nextToken: number;
	maxResults: number;
	userIds?: string[];
	statuses?: string[];
}

/** ListProcessInstanceIdsResponseBodyResult: nextToken is a string here, a number in the request. */
export interface InstanceIdsPage {
	list?: string[];
	nextToken?: string;
}

/** POST /v1.0/workflow/processInstances/execute (ExecuteProcessInstanceRequest). */
export interface ExecuteTaskRequest {
	processInstanceId: string;
	taskId: number;
	actionerUserId: string;
	result: 'agree' | 'refuse';
	remark?: string;
}

/** POST /v1.0/workflow/processInstances/comments (AddProcessInstanceCommentRequest). */
export interface AddCommentRequest {
	processInstanceId: string;
	commentUserId: string;
	text: string;
}

/** POST /v1.0/workflow/processInstances/terminate (TerminateProcessInstanceRequest). */
export interface TerminateRequest {
	processInstanceId: string;
	/** false: the named user revokes it (true would be "the system", without a user). */
	isSystem: false;
	operatingUserId: string;
	remark?: string;
}

/** QuerySchemaByProcessCodeResponseBodyResultSchemaContentItems, the fields this package reads. */
export interface SchemaItem {
	componentName?: string;
	props?: {
		id?: string;
		label?: string;
		required?: boolean;
		/** UNCONFIRMED: plain strings in the SDK model; JSON `{"value","key"}` strings in answers seen in the wild. */
		options?: string[];
		/** Date fields: `yyyy-MM-dd` or `yyyy-MM-dd HH:mm`. */
		format?: string;
		placeholder?: string;
	};
}

/** QuerySchemaByProcessCodeResponseBodyResult, the fields this package reads. */
export interface FormSchema {
	name?: string;
	processCode?: string;
	schemaContent?: { title?: string; items?: SchemaItem[] };
}

/** ListUserVisibleBpmsProcessesResponseBodyResultProcessList */
export interface VisibleTemplate {
	processCode?: string;
	name?: string;
	dirName?: string;
	iconUrl?: string;
	url?: string;
}

interface Success {
	success?: boolean | string;
	result?: boolean;
}

export async function startInstance(
	client: DingTalkClient,
	request: StartProcessInstanceRequest,
): Promise<StartProcessInstanceResponse> {
	return await client.api<StartProcessInstanceResponse>('POST', INSTANCES_PATH, request);
}

export async function getInstance(
	client: DingTalkClient,
	processInstanceId: string,
): Promise<ProcessInstance> {
	const answer = await client.api<{ result?: ProcessInstance }>('GET', INSTANCES_PATH, undefined, {
		qs: { processInstanceId },
		idempotent: true,
	});
	return answer.result ?? {};
}

export async function listInstanceIdsPage(
	client: DingTalkClient,
	request: ListInstanceIdsRequest,
): Promise<InstanceIdsPage> {
	const answer = await client.api<{ result?: InstanceIdsPage }>(
		'POST',
		'/v1.0/workflow/processes/instanceIds/query',
		request,
		{ idempotent: true },
	);
	return answer.result ?? {};
}

export async function executeTask(
	client: DingTalkClient,
	request: ExecuteTaskRequest,
): Promise<Success> {
	return await client.api<Success>('POST', `${INSTANCES_PATH}/execute`, request);
}

export async function addComment(
	client: DingTalkClient,
	request: AddCommentRequest,
): Promise<Success> {
	return await client.api<Success>('POST', `${INSTANCES_PATH}/comments`, request);
}

export async function terminateInstance(
	client: DingTalkClient,
	request: TerminateRequest,
): Promise<Success> {
	return await client.api<Success>('POST', `${INSTANCES_PATH}/terminate`, request);
}

export async function getFormSchema(
	client: DingTalkClient,
	processCode: string,
): Promise<FormSchema> {
	const answer = await client.api<{ result?: FormSchema }>(
		'GET',
		'/v1.0/workflow/forms/schemas/processCodes',
		undefined,
		{ qs: { processCode }, idempotent: true },
	);
	return answer.result ?? {};
}

/** One page of the templates the app can see (no userId: the whole organisation's; UNCONFIRMED). */
export async function listVisibleTemplatesPage(
	client: DingTalkClient,
	nextToken: number,
	maxResults = MAX_TEMPLATE_PAGE,
): Promise<{ templates: VisibleTemplate[]; nextToken?: number }> {
	const answer = await client.api<{
		result?: { processList?: VisibleTemplate[]; nextToken?: number | string };
	}>('GET', '/v1.0/workflow/processes/userVisibilities/templates', undefined, {
		qs: { maxResults, nextToken },
		idempotent: true,
	});
	const next = Number(answer.result?.nextToken);
	return {
		templates: answer.result?.processList ?? [],
		nextToken: answer.result?.nextToken === undefined || !Number.isInteger(next) ? undefined : next,
	};
}
