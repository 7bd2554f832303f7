import { randomBytes } from 'crypto';

import { approvalEventData } from './orgEvents';
import { apiError, ok } from './replies';
import type { FakeReply, FakeRequest } from './types';
import type { FakeDingTalk } from './FakeDingTalk';

/**
 * OA approvals (api base, /v1.0/workflow/…), with the request and answer fields of DingTalk's generated SDK models
 * (@alicloud/dingtalk workflow_1_0: StartProcessInstance, GetProcessInstance, ListProcessInstanceIds,
 * ExecuteProcessInstance, AddProcessInstanceComment, TerminateProcessInstance, QuerySchemaByProcessCode,
 * ListUserVisibleBpmsProcesses). Error codes: `invalidParameter`, `userNotExist`, `aflowProcessInstNotExist`,
 * `aflowProcessInstCanNotBeExecuted`, `invalidInstanceCommentText` and `invalidInstanceCommentUserId` are in
 * DingTalk's reference (comments page); `aflowProcessNotExist`, `aflowTaskNotExist` and `aflowTaskActionerNotMatch`
 * are UNCONFIRMED, as are the messages of the validation refusals.
 */

export type FormComponentName =
	| 'TextField'
	| 'TextareaField'
	| 'NumberField'
	| 'MoneyField'
	| 'DDSelectField'
	| 'DDMultiSelectField'
	| 'DDDateField';

export interface FakeFormField {
	componentName: FormComponentName;
	id: string;
	label: string;
	required?: boolean;
	/** Select fields: the choices. */
	options?: string[];
	/** Date fields: `yyyy-MM-dd` or `yyyy-MM-dd HH:mm`. */
	format?: string;
}

export interface FakeApprovalStep {
	actionType: 'AND' | 'OR' | 'NONE';
	userIds: string[];
}

export interface FakeProcessTemplate {
	processCode: string;
	name: string;
	fields: FakeFormField[];
	/** The approval chain a started instance follows when the request names no approvers. */
	steps: FakeApprovalStep[];
	/** Listed among the app's visible templates (default true). */
	visible?: boolean;
}

export interface FakeTask {
	taskId: number;
	userId: string;
	/** DingTalk's task statuses: NEW (a later step), RUNNING, COMPLETED, CANCELED. */
	status: 'NEW' | 'RUNNING' | 'COMPLETED' | 'CANCELED';
	result: 'NONE' | 'AGREE' | 'REFUSE';
	activityId: string;
	createTime: string;
	finishTime?: string;
	step: number;
}

export interface FakeOperationRecord {
	userId: string;
	date: string;
	type:
		| 'START_PROCESS_INSTANCE'
		| 'EXECUTE_TASK_NORMAL'
		| 'ADD_REMARK'
		| 'TERMINATE_PROCESS_INSTANCE';
	result: 'NONE' | 'AGREE' | 'REFUSE';
	remark?: string;
	showName: string;
}

export interface FakeProcessInstance {
	processInstanceId: string;
	processCode: string;
	title: string;
	status: 'RUNNING' | 'COMPLETED' | 'TERMINATED';
	result: '' | 'agree' | 'refuse';
	originatorUserId: string;
	originatorDeptId: string;
	createdAt: number;
	createTime: string;
	finishTime?: string;
	formComponentValues: Array<{ id: string; name: string; value: string; componentType: string }>;
	steps: FakeApprovalStep[];
	tasks: FakeTask[];
	operationRecords: FakeOperationRecord[];
	ccList: string[];
}

/** A leave request and an expense claim (one approver each), and a template the app cannot see. */
export function defaultApprovalTemplates(): FakeProcessTemplate[] {
	return [
		{
			processCode: 'PROC-EXPENSE-0001',
			name: 'Expense claim 报销',
			fields: [
				{ componentName: 'TextField', id: 'TextField-REASON', label: 'Reason', required: true },
				{ componentName: 'NumberField', id: 'NumberField-AMOUNT', label: 'Amount', required: true },
				{
					componentName: 'DDSelectField',
					id: 'DDSelectField-TYPE',
					label: 'Type',
					options: ['Travel', 'Meals', 'Equipment'],
				},
				{
					componentName: 'DDDateField',
					id: 'DDDateField-DATE',
					label: 'Date',
					format: 'yyyy-MM-dd',
				},
				{ componentName: 'TextareaField', id: 'TextareaField-NOTES', label: 'Notes' },
			],
			steps: [{ actionType: 'OR', userIds: ['manager0002'] }],
		},
		{
			processCode: 'PROC-LEAVE-0001',
			name: 'Leave request 请假',
			fields: [
				{
					componentName: 'DDSelectField',
					id: 'DDSelectField-LEAVE',
					label: 'Leave Type',
					required: true,
					options: ['Annual', 'Sick', 'Personal'],
				},
				{
					componentName: 'DDDateField',
					id: 'DDDateField-START',
					label: 'Start',
					format: 'yyyy-MM-dd',
					required: true,
				},
				{ componentName: 'NumberField', id: 'NumberField-DAYS', label: 'Days', required: true },
				{ componentName: 'TextareaField', id: 'TextareaField-REASON', label: 'Reason' },
			],
			steps: [{ actionType: 'OR', userIds: ['manager0001'] }],
		},
		{
			processCode: 'PROC-HIDDEN-0001',
			name: 'Board resolution',
			fields: [{ componentName: 'TextField', id: 'TextField-X', label: 'Subject', required: true }],
			steps: [{ actionType: 'OR', userIds: ['manager0001'] }],
			visible: false,
		},
	];
}

type Body = Record<string, unknown>;
const MAX_INSTANCE_ID_PAGE = 20;
const MAX_TEMPLATE_PAGE = 100;

/** DingTalk's time format in approval answers (UTC, minutes): 2026-12-01T09:30Z. */
const dingTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;

const denied = () =>
	apiError(
		403,
		'Forbidden.AccessDenied.AccessTokenPermissionDenied',
		'没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp/add-api-permission',
	);
const unknownProcess = () => apiError(400, 'aflowProcessNotExist', '审批模板不存在');
const unknownInstance = () => apiError(400, 'aflowProcessInstNotExist', '审批实例不存在');
const notExecutable = () =>
	apiError(400, 'aflowProcessInstCanNotBeExecuted', '审批状态异常,无法执行');
const invalid = (message: string) => apiError(400, 'invalidParameter', message);

/** The fake's approval data: templates (seeded), instances (created by requests or `submit`), and a permission switch. */
export class FakeWorkflow {
	readonly templates = new Map<string, FakeProcessTemplate>();
	readonly instances = new Map<string, FakeProcessInstance>();
	/** Off: every workflow call is refused as a missing permission (the app was not granted OA approval). */
	permissionGranted = true;
	private nextTaskId = 71_000_000_001;

	constructor(private readonly fake: FakeDingTalk) {}

	seedTemplates(templates: FakeProcessTemplate[]): void {
		for (const template of templates) this.templates.set(template.processCode, template);
	}

	reset(): void {
		this.instances.clear();
		this.permissionGranted = true;
	}

	/**
	 * A user submits an approval in DingTalk: the instance is created as the API would create it, and DingTalk's
	 * `bpms_instance_change` start event is pushed to the app's Stream connection. Throws on a form the API refuses.
	 */
	submit(opts: {
		processCode: string;
		originatorUserId: string;
		form: Record<string, string | number>;
		deptId?: number;
	}): { processInstanceId: string; taskIds: number[]; eventId: string } {
		const reply = this.start({
			processCode: opts.processCode,
			originatorUserId: opts.originatorUserId,
			deptId: opts.deptId ?? -1,
			formComponentValues: Object.entries(opts.form).map(([name, value]) => ({
				name,
				value: String(value),
			})),
		});
		if (reply.status !== 200) throw new Error(`submit refused: ${JSON.stringify(reply.body)}`);
		const processInstanceId = (reply.body as { instanceId: string }).instanceId;
		const instance = this.instances.get(processInstanceId) as FakeProcessInstance;
		const eventId = this.fake.gateway.pushEvent(
			'bpms_instance_change',
			approvalEventData({
				instanceId: processInstanceId,
				processCode: instance.processCode,
				title: instance.title,
				type: 'start',
				staffId: instance.originatorUserId,
				createTime: instance.createdAt,
			}),
		);
		return {
			processInstanceId,
			taskIds: instance.tasks.filter((t) => t.status === 'RUNNING').map((t) => t.taskId),
			eventId,
		};
	}

	/** POST /v1.0/workflow/processInstances */
	start(body: Body): FakeReply {
		const template = this.templates.get(String(body.processCode ?? ''));
		if (!body.processCode) return invalid('processCode 不能为空');
		if (!template) return unknownProcess();
		const originator = this.fake.users.get(String(body.originatorUserId ?? ''));
		if (!originator) return apiError(400, 'userNotExist', '用户不存在');
		const deptId = body.deptId === undefined ? -1 : Number(body.deptId);
		if (deptId !== -1 && !this.fake.departments.has(deptId))
			return invalid(`deptId 无效: ${String(body.deptId)}`);
		if (!Array.isArray(body.formComponentValues)) return invalid('formComponentValues 不能为空');
		const given = new Map<string, string>();
		for (const entry of body.formComponentValues as unknown[]) {
			const { name, value } = (entry ?? {}) as Body;
			if (typeof name !== 'string' || typeof value !== 'string')
				return invalid('formComponentValues 的 name 和 value 必须是字符串');
			const field = template.fields.find((f) => f.label === name);
			if (!field) return invalid(`表单中没有名为 ${name} 的组件`);
			const problem = fieldProblem(field, value);
			if (problem) return invalid(problem);
			given.set(name, value);
		}
		const missing = template.fields.find((f) => f.required && !given.get(f.label));
		if (missing) return invalid(`表单必填项为空: ${missing.label}`);
		const steps = approvalSteps(body.approvers) ?? template.steps;
		for (const step of steps)
			for (const userId of step.userIds)
				if (!this.fake.users.has(userId)) return apiError(400, 'userNotExist', '用户不存在');

		const now = Date.now();
		const processInstanceId = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-proc-${randomBytes(6).toString('hex')}`;
		const instance: FakeProcessInstance = {
			processInstanceId,
			processCode: template.processCode,
			title: `${originator.name}提交的${template.name}`,
			status: 'RUNNING',
			result: '',
			originatorUserId: originator.userid,
			originatorDeptId: String(deptId === -1 ? originator.deptIds[0] : deptId),
			createdAt: now,
			createTime: dingTime(now),
			formComponentValues: template.fields
				.filter((f) => given.has(f.label))
				.map((f) => ({
					id: f.id,
					name: f.label,
					value: given.get(f.label) as string,
					componentType: f.componentName,
				})),
			steps,
			tasks: [],
			operationRecords: [
				{
					userId: originator.userid,
					date: dingTime(now),
					type: 'START_PROCESS_INSTANCE',
					result: 'NONE',
					showName: '发起审批',
				},
			],
			ccList: Array.isArray(body.ccList) ? (body.ccList as unknown[]).map(String) : [],
		};
		steps.forEach((step, index) => {
			for (const userId of step.userIds)
				instance.tasks.push({
					taskId: this.nextTaskId++,
					userId,
					status: index === 0 ? 'RUNNING' : 'NEW',
					result: 'NONE',
					activityId: `act-${index + 1}`,
					createTime: dingTime(now),
					step: index,
				});
		});
		this.instances.set(processInstanceId, instance);
		return ok({ instanceId: processInstanceId });
	}

	/** GET /v1.0/workflow/processInstances?processInstanceId= */
	get(query: Record<string, string>): FakeReply {
		const instance = this.instances.get(query.processInstanceId ?? '');
		if (!instance) return unknownInstance();
		return ok({
			success: 'true',
			result: {
				title: instance.title,
				status: instance.status,
				result: instance.result,
				originatorUserId: instance.originatorUserId,
				originatorDeptId: instance.originatorDeptId,
				originatorDeptName: '',
				createTime: instance.createTime,
				...(instance.finishTime ? { finishTime: instance.finishTime } : {}),
				businessId: instance.processInstanceId.slice(-12),
				bizAction: 'NONE',
				ccUserIds: instance.ccList,
				approverUserIds: [...new Set(instance.tasks.map((t) => t.userId))],
				formComponentValues: instance.formComponentValues.map((v) => ({ ...v, bizAlias: '' })),
				tasks: instance.tasks.map((t) => ({
					taskId: t.taskId,
					userId: t.userId,
					status: t.status,
					result: t.result,
					activityId: t.activityId,
					createTime: t.createTime,
					...(t.finishTime ? { finishTime: t.finishTime } : {}),
					processInstanceId: instance.processInstanceId,
					pcUrl: `https://aflow.dingtalk.com/dingtalk/pc/query/pchomepage.htm?procInstId=${instance.processInstanceId}&taskId=${t.taskId}`,
					mobileUrl: `https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm?procInstId=${instance.processInstanceId}&taskId=${t.taskId}`,
				})),
				operationRecords: instance.operationRecords,
			},
		});
	}

	/** POST /v1.0/workflow/processes/instanceIds/query: IDs created in [startTime, endTime], by creation, paged. */
	listIds(body: Body): FakeReply {
		if (!this.templates.has(String(body.processCode ?? ''))) return unknownProcess();
		const startTime = Number(body.startTime);
		if (!Number.isFinite(startTime)) return invalid('startTime 不能为空');
		const endTime = body.endTime === undefined ? Date.now() : Number(body.endTime);
		const maxResults = Number(body.maxResults);
		if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_INSTANCE_ID_PAGE)
			return invalid(`maxResults 取值范围 1-${MAX_INSTANCE_ID_PAGE}`);
		const offset = Number(body.nextToken ?? 0);
		if (!Number.isInteger(offset) || offset < 0) return invalid('nextToken 无效');
		const userIds = Array.isArray(body.userIds) ? (body.userIds as unknown[]).map(String) : [];
		const statuses = Array.isArray(body.statuses) ? (body.statuses as unknown[]).map(String) : [];
		const matching = [...this.instances.values()].filter(
			(i) =>
				i.processCode === body.processCode &&
				i.createdAt >= startTime &&
				i.createdAt <= endTime &&
				(userIds.length === 0 || userIds.includes(i.originatorUserId)) &&
				(statuses.length === 0 || statuses.includes(i.status)),
		);
		const list = matching.slice(offset, offset + maxResults).map((i) => i.processInstanceId);
		const more = offset + maxResults < matching.length;
		return ok({
			success: true,
			result: { list, ...(more ? { nextToken: String(offset + maxResults) } : {}) },
		});
	}

	/** POST /v1.0/workflow/processInstances/execute: an approver agrees or refuses their running task. */
	execute(body: Body): FakeReply {
		const instance = this.instances.get(String(body.processInstanceId ?? ''));
		if (!instance) return unknownInstance();
		if (body.result !== 'agree' && body.result !== 'refuse')
			return invalid('result 取值为 agree 或 refuse');
		const task = instance.tasks.find((t) => t.taskId === Number(body.taskId));
		if (!task) return apiError(400, 'aflowTaskNotExist', '任务不存在');
		if (task.status !== 'RUNNING' || instance.status !== 'RUNNING') return notExecutable();
		if (task.userId !== body.actionerUserId)
			return apiError(400, 'aflowTaskActionerNotMatch', '操作人不是该任务的审批人');
		const now = dingTime(Date.now());
		const agree = body.result === 'agree';
		task.status = 'COMPLETED';
		task.result = agree ? 'AGREE' : 'REFUSE';
		task.finishTime = now;
		instance.operationRecords.push({
			userId: task.userId,
			date: now,
			type: 'EXECUTE_TASK_NORMAL',
			result: task.result,
			remark: typeof body.remark === 'string' ? body.remark : '',
			showName: '审批人',
		});
		const stepTasks = instance.tasks.filter((t) => t.step === task.step);
		const stepDone =
			!agree ||
			instance.steps[task.step]?.actionType !== 'AND' ||
			stepTasks.every((t) => t.status === 'COMPLETED');
		if (stepDone) {
			for (const other of stepTasks)
				if (other.status === 'RUNNING') {
					other.status = 'CANCELED';
					other.finishTime = now;
				}
			const next = instance.tasks.filter((t) => t.step === task.step + 1);
			if (!agree || next.length === 0) this.finish(instance, agree ? 'agree' : 'refuse', now);
			else for (const t of next) t.status = 'RUNNING';
		}
		return ok({ success: true, result: true });
	}

	/** POST /v1.0/workflow/processInstances/comments */
	comment(body: Body): FakeReply {
		const instance = this.instances.get(String(body.processInstanceId ?? ''));
		if (!body.processInstanceId) return apiError(400, 'invalidInstanceId', '审批实例ID不能为空');
		if (!instance) return unknownInstance();
		if (typeof body.text !== 'string' || !body.text)
			return apiError(400, 'invalidInstanceCommentText', '审批实例评论内容不能为空');
		if (typeof body.commentUserId !== 'string' || !body.commentUserId)
			return apiError(400, 'invalidInstanceCommentUserId', '审批实例评论人userId不能为空');
		if (!this.fake.users.has(body.commentUserId))
			return apiError(400, 'userNotExist', '用户不存在');
		instance.operationRecords.push({
			userId: body.commentUserId,
			date: dingTime(Date.now()),
			type: 'ADD_REMARK',
			result: 'NONE',
			remark: body.text,
			showName: '评论',
		});
		return ok({ success: true, result: true });
	}

	/** POST /v1.0/workflow/processInstances/terminate: the instance is revoked. */
	terminate(body: Body): FakeReply {
		const instance = this.instances.get(String(body.processInstanceId ?? ''));
		if (!instance) return unknownInstance();
		if (instance.status !== 'RUNNING') return notExecutable();
		const operator = String(body.operatingUserId ?? '');
		if (body.isSystem !== true && !this.fake.users.has(operator))
			return apiError(400, 'userNotExist', '用户不存在');
		const now = dingTime(Date.now());
		instance.operationRecords.push({
			userId: operator,
			date: now,
			type: 'TERMINATE_PROCESS_INSTANCE',
			result: 'NONE',
			remark: typeof body.remark === 'string' ? body.remark : '',
			showName: '撤销',
		});
		for (const t of instance.tasks)
			if (t.status === 'RUNNING' || t.status === 'NEW') {
				t.status = 'CANCELED';
				t.finishTime = now;
			}
		instance.status = 'TERMINATED';
		instance.finishTime = now;
		return ok({ success: true, result: true });
	}

	/**
	 * GET /v1.0/workflow/forms/schemas/processCodes?processCode=. Select options come as JSON strings
	 * `{"value","key"}` (UNCONFIRMED: the SDK model says only `string[]`).
	 */
	schema(query: Record<string, string>): FakeReply {
		const template = this.templates.get(query.processCode ?? '');
		if (!template) return unknownProcess();
		return ok({
			result: {
				name: template.name,
				processCode: template.processCode,
				formCode: template.processCode,
				status: 'PUBLISHED',
				schemaContent: {
					title: template.name,
					items: template.fields.map((f) => ({
						componentName: f.componentName,
						props: {
							id: f.id,
							label: f.label,
							required: Boolean(f.required),
							...(f.options
								? {
										options: f.options.map((value, i) =>
											JSON.stringify({ value, key: `option_${i}` }),
										),
									}
								: {}),
							...(f.format ? { format: f.format } : {}),
						},
					})),
				},
			},
		});
	}

	/** GET /v1.0/workflow/processes/userVisibilities/templates?maxResults=&nextToken= */
	visibleTemplates(query: Record<string, string>): FakeReply {
		const maxResults = Number(query.maxResults);
		if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_TEMPLATE_PAGE)
			return invalid(`maxResults 取值范围 1-${MAX_TEMPLATE_PAGE}`);
		const offset = Number(query.nextToken ?? 0);
		if (!Number.isInteger(offset) || offset < 0) return invalid('nextToken 无效');
		const visible = [...this.templates.values()].filter((t) => t.visible !== false);
		const processList = visible.slice(offset, offset + maxResults).map((t) => ({
			processCode: t.processCode,
			name: t.name,
			iconUrl: 'https://img.alicdn.com/icon.png',
			url: `https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm?processCode=${t.processCode}`,
			dirId: 'dir-default',
			dirName: '其他',
		}));
		const more = offset + maxResults < visible.length;
		return ok({ result: { processList, ...(more ? { nextToken: offset + maxResults } : {}) } });
	}

	/** The route for a workflow request, behind the permission switch. */
	route(handler: (req: FakeRequest) => FakeReply): (req: FakeRequest) => FakeReply {
		return (req) => (this.permissionGranted ? handler(req) : denied());
	}

	private finish(instance: FakeProcessInstance, result: 'agree' | 'refuse', now: string): void {
		instance.status = 'COMPLETED';
		instance.result = result;
		instance.finishTime = now;
		for (const t of instance.tasks)
			if (t.status === 'NEW') {
				t.status = 'CANCELED';
				t.finishTime = now;
			}
	}
}

/** Why a value does not fit its field, or undefined. */
function fieldProblem(field: FakeFormField, value: string): string | undefined {
	if (value === '') return undefined;
	switch (field.componentName) {
		case 'NumberField':
		case 'MoneyField':
			return /^-?\d+(\.\d+)?$/.test(value) ? undefined : `${field.label} 的值不是数字: ${value}`;
		case 'DDSelectField':
			return field.options?.includes(value) ? undefined : `${field.label} 的值不在选项中: ${value}`;
		case 'DDDateField': {
			const pattern =
				field.format === 'yyyy-MM-dd HH:mm'
					? /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/
					: /^\d{4}-\d{2}-\d{2}$/;
			return pattern.test(value) ? undefined : `${field.label} 的日期格式应为 ${field.format}`;
		}
		default:
			return undefined;
	}
}

function approvalSteps(approvers: unknown): FakeApprovalStep[] | undefined {
	if (!Array.isArray(approvers) || approvers.length === 0) return undefined;
	return approvers.map((a) => {
		const { actionType, userIds } = (a ?? {}) as Body;
		return {
			actionType: actionType === 'AND' || actionType === 'NONE' ? actionType : 'OR',
			userIds: Array.isArray(userIds) ? userIds.map(String) : [],
		};
	});
}
