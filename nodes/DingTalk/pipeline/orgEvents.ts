/**
 * Organisation events as the DingTalk Trigger emits them: which types a trigger starts on, the approval filters, the
 * item (one per event) and its normalised `approval` object. Pure: the transports build the envelope
 * (transport/orgEvents.ts), the pipeline de-duplicates and emits.
 *
 * Field names follow DingTalk's event pages (event-bpms-instance-change, event-bpms-task-change, contact and
 * attendance events; see the protocol notes §8.3). DingTalk's generated SDK (@alicloud/dingtalk 2.2.27) models APIs
 * only, not event payloads; its process-instance model uses the same names (processInstanceId, title, result
 * agree / refuse, businessId, createTime, finishTime). Fields marked UNCONFIRMED below come from the event pages'
 * copies only.
 */
import type { IDataObject } from 'n8n-workflow';

import { isJsonObject, textField } from '../../shared/json';
import type { OrgEventEnvelope } from '../transport/orgEvents';

/** The event types the trigger lists by name (value = DingTalk's eventType). */
export const ORG_EVENT_TYPES = [
	{ name: 'Approval Instance Changed', value: 'bpms_instance_change', permission: 'approval' },
	{ name: 'Approval Task Changed', value: 'bpms_task_change', permission: 'approval' },
	{ name: 'Employee Joined', value: 'user_add_org', permission: 'contacts' },
	{ name: 'Employee Changed', value: 'user_modify_org', permission: 'contacts' },
	{ name: 'Employee Left', value: 'user_leave_org', permission: 'contacts' },
	{ name: 'Department Created', value: 'org_dept_create', permission: 'contacts' },
	{ name: 'Department Changed', value: 'org_dept_modify', permission: 'contacts' },
	{ name: 'Department Removed', value: 'org_dept_remove', permission: 'contacts' },
	{ name: 'Attendance Clock-In', value: 'attendance_check_record', permission: 'attendance' },
] as const;

/** Event Types values that are not DingTalk event types. */
export const ALL_EVENT_TYPES = '*';
export const OTHER_EVENT_TYPE = 'other';

const APPROVAL_TYPES = new Set(['bpms_instance_change', 'bpms_task_change']);

export interface OrgEventFilter {
	/** The Event Types parameter: DingTalk event types, `*` (all) and `other`. */
	orgEventTypes: string[];
	/** With `other`: event types by name. */
	otherEventTypes: string[];
	/** Approval events only: process codes; empty = any. */
	approvalProcessCodes: string[];
	/** Approval events only: change types (start, finish, terminate, …); empty = any. */
	approvalChangeTypes: string[];
	/** Approval events only: results (agree, refuse); empty = any. */
	approvalResults: string[];
}

/** Whether a trigger with this filter wants events of this type at all (before their fields are looked at). */
export function wantsEventType(filter: OrgEventFilter, eventType: string): boolean {
	if (filter.orgEventTypes.includes(ALL_EVENT_TYPES)) return true;
	if (filter.orgEventTypes.includes(eventType)) return true;
	return (
		filter.orgEventTypes.includes(OTHER_EVENT_TYPE) && filter.otherEventTypes.includes(eventType)
	);
}

/** A time field as ISO text: milliseconds or seconds, numbers or digit strings; null when absent or unreadable. */
function isoTime(value: unknown): string | null {
	const raw = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
	if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) {
		const ms = raw < 1e11 ? raw * 1000 : raw;
		const date = new Date(ms);
		return Number.isNaN(date.getTime()) ? null : date.toISOString();
	}
	return null;
}

export interface ApprovalChange extends IDataObject {
	instanceId: string;
	processCode: string;
	title: string;
	/** start / finish / terminate / delete (instances); start / finish / cancel (tasks, UNCONFIRMED: transfer). */
	type: string;
	/** agree / refuse; empty on a start or a termination. */
	result: string;
	/** The originator's user ID (DingTalk's `staffId`). */
	originatorUserId: string;
	url: string;
	businessId: string;
	createdAt: string | null;
	finishedAt: string | null;
	/** Task events only (UNCONFIRMED field names: taskId, remark). */
	taskId: string;
	remark: string;
}

/** The approval fields of a bpms event, named the same for instance and task events. */
export function approvalOf(data: Record<string, unknown>): ApprovalChange {
	return {
		instanceId: textField(data.processInstanceId),
		processCode: textField(data.processCode),
		title: textField(data.title),
		type: textField(data.type),
		result: textField(data.result),
		originatorUserId: textField(data.staffId),
		url: textField(data.url),
		businessId: textField(data.businessId),
		createdAt: isoTime(data.createTime),
		finishedAt: isoTime(data.finishTime),
		taskId: textField(data.taskId),
		remark: textField(data.remark),
	};
}

/** Whether an event passes the trigger's filters (type, then the approval filters for approval events). */
export function acceptsOrgEvent(filter: OrgEventFilter, envelope: OrgEventEnvelope): boolean {
	if (!wantsEventType(filter, envelope.eventType)) return false;
	if (!APPROVAL_TYPES.has(envelope.eventType)) return true;
	const approval = approvalOf(envelope.data);
	if (
		filter.approvalProcessCodes.length &&
		!filter.approvalProcessCodes.includes(approval.processCode)
	)
		return false;
	if (filter.approvalChangeTypes.length && !filter.approvalChangeTypes.includes(approval.type))
		return false;
	if (filter.approvalResults.length && !filter.approvalResults.includes(approval.result))
		return false;
	return true;
}

export interface OrgEventItem extends IDataObject {
	event: 'orgEvent';
	eventType: string;
	eventId: string;
	corpId: string;
	/** When DingTalk says the event happened (ISO), or null. */
	bornAt: string | null;
	receivedAt: string;
	data: IDataObject;
}

/** The trigger's item for one event; approval events add `approval`. Contact events keep their ID lists as sent. */
export function toOrgEventItem(envelope: OrgEventEnvelope, now = Date.now()): OrgEventItem {
	const item: OrgEventItem = {
		event: 'orgEvent',
		eventType: envelope.eventType,
		eventId: envelope.eventId,
		corpId: envelope.corpId,
		bornAt: envelope.bornAt ? isoTime(envelope.bornAt) : null,
		receivedAt: new Date(now).toISOString(),
		data: envelope.data as IDataObject,
	};
	if (APPROVAL_TYPES.has(envelope.eventType)) item.approval = approvalOf(envelope.data);
	return item;
}

/** Why an organisation-event callback cannot be read (the transports build it; this guards any other caller). */
export function unreadableOrgEvent(data: Record<string, unknown>): string | undefined {
	if (typeof data.eventType !== 'string' || !data.eventType) return 'event without an eventType';
	if (typeof data.eventId !== 'string' || !data.eventId) return 'event without an eventId';
	if (!isJsonObject(data.data)) return 'event whose data is not a JSON object';
	return undefined;
}
