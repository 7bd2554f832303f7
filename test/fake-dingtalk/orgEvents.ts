import { randomBytes } from 'crypto';

/**
 * Organisation events as DingTalk pushes them (protocol notes §8.3): the business fields of each listed event type,
 * and hostile shapes. Stream frames carry these as `data` with the meta in headers; HTTP pushes are flat with
 * `EventType` (see `httpEventPayload`). Field names of approval events are those of DingTalk's event pages (a
 * legacy copy shows EventType, processInstanceId, corpId, createTime, finishTime, title, type, url, result, staffId,
 * processCode); task events' taskId / remark and the contact, department and attendance shapes are UNCONFIRMED
 * beyond the event pages' copies.
 */

export const EVENT_CORP_ID = 'dingfakecorp0001';

export function newEventId(): string {
	return randomBytes(16).toString('hex');
}

export interface ApprovalOptions {
	instanceId?: string;
	processCode?: string;
	title?: string;
	type?: 'start' | 'finish' | 'terminate' | 'delete' | 'cancel';
	result?: 'agree' | 'refuse';
	staffId?: string;
	createTime?: number;
	finishTime?: number;
}

/** A bpms_instance_change (or, with `task`, bpms_task_change) event's data. */
export function approvalEventData(
	opts: ApprovalOptions = {},
	task?: { taskId: string; remark?: string },
): Record<string, unknown> {
	const instanceId = opts.instanceId ?? `proc-inst-${randomBytes(6).toString('hex')}`;
	const type = opts.type ?? 'start';
	const createTime = opts.createTime ?? 1764547200000;
	return {
		processInstanceId: instanceId,
		processCode: opts.processCode ?? 'PROC-LEAVE-0001',
		bizCategoryId: '',
		businessId: '202612010001',
		title: opts.title ?? 'Leave request from 张伟',
		type,
		...(opts.result ? { result: opts.result } : {}),
		staffId: opts.staffId ?? 'manager0001',
		url: `https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm?corpid=${EVENT_CORP_ID}&procInstId=${instanceId}`,
		createTime,
		...(type === 'finish' || type === 'terminate'
			? { finishTime: opts.finishTime ?? createTime + 3_600_000 }
			: {}),
		...(task ? { taskId: task.taskId, remark: task.remark ?? '' } : {}),
	};
}

/** Every listed event type with a typical data object. */
export const EVENT_FIXTURES: Record<string, () => Record<string, unknown>> = {
	bpms_instance_change: () => approvalEventData({ type: 'finish', result: 'agree' }),
	bpms_task_change: () =>
		approvalEventData(
			{ type: 'finish', result: 'refuse' },
			{ taskId: '71234567890', remark: 'no' },
		),
	user_add_org: () => ({ timeStamp: 1764547200000, userId: ['eng0007', 'eng0008'] }),
	user_modify_org: () => ({
		timeStamp: 1764547200000,
		userId: ['eng0002'],
		diffInfo: [
			{ userid: 'eng0002', prev: { title: 'Engineer' }, curr: { title: 'Staff Engineer' } },
		],
	}),
	user_leave_org: () => ({ timeStamp: 1764547200000, userId: ['sales0004'] }),
	org_dept_create: () => ({ timeStamp: 1764547200000, deptId: [6] }),
	org_dept_modify: () => ({ timeStamp: 1764547200000, deptId: [4, 5] }),
	org_dept_remove: () => ({ timeStamp: 1764547200000, deptId: [5] }),
	attendance_check_record: () => ({
		dataList: [
			{
				userId: 'eng0003',
				checkTime: 1764554400000,
				groupId: 1001,
				locationResult: 'Normal',
				locationMethod: 'GPS',
				address: '杭州市余杭区',
				bizId: 'att-0001',
				corpId: EVENT_CORP_ID,
			},
		],
	}),
};

/**
 * An HTTP push's plaintext: flat, with the meta beside the business fields. `legacy` uses the old capitalised names
 * (EventType, CorpId, TimeStamp, UserId) where a current push uses eventType-less lower-case ones.
 */
export function httpEventPayload(
	eventType: string,
	data: Record<string, unknown>,
	opts: { legacy?: boolean; eventId?: string; corpId?: string } = {},
): Record<string, unknown> {
	const corpId = opts.corpId ?? EVENT_CORP_ID;
	if (!opts.legacy)
		return {
			EventType: eventType,
			CorpId: corpId,
			...(opts.eventId ? { eventId: opts.eventId } : {}),
			...data,
		};
	const legacy: Record<string, unknown> = { EventType: eventType, CorpId: corpId };
	for (const [key, value] of Object.entries(data)) {
		if (key === 'userId') legacy.UserId = value;
		else if (key === 'timeStamp') legacy.TimeStamp = String(value);
		else legacy[key] = value;
	}
	if (opts.eventId) legacy.eventId = opts.eventId;
	return legacy;
}

/** Shapes an attacker (or a changed DingTalk) could send: none may throw, start a wrong run, or grow memory. */
export const HOSTILE_EVENT_DATA: Array<[string, unknown]> = [
	['data is an array', [1, 2, 3]],
	['data is a string', 'bpms'],
	['data is null', null],
	['fields of the wrong type', { processInstanceId: { toString: 1 }, type: ['finish'], result: 7 }],
	['prototype keys', JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}')],
	['times that are not times', { createTime: 'yesterday', finishTime: 1e300 }],
	['a very long user list', { userId: Array.from({ length: 10_000 }, (_, i) => `u${i}`) }],
];
