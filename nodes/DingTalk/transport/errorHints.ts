/** What kind of failure a DingTalk answer is: decides retry, token refresh and the hint shown to the user. */
export type DingTalkErrorKind =
	| 'credentials'
	| 'invalidToken'
	| 'flowControl'
	| 'quota'
	| 'server'
	| 'permission'
	| 'robotCode'
	| 'userNotFound'
	| 'notFound'
	| 'invalidRequest'
	| 'network'
	| 'invalidResponse';

/** Which answers a row stands for: any one criterion matching is enough. */
interface ErrorMatch {
	codes?: readonly string[];
	/** Codes DingTalk may put in a legacy answer's sub_code (errcode 88 wraps them). */
	subCodes?: readonly string[];
	status?: (httpStatus: number) => boolean;
	pattern?: (code: string) => boolean;
}

interface ErrorRow {
	/** Absent: the row is never matched from an answer (the client raises that kind itself). */
	match?: ErrorMatch;
	kind: DingTalkErrorKind;
	/** What the user should do; a permission hint names the endpoint and the scope it needs. */
	hint?: string | ((endpoint: string) => string);
}

// Flow-control codes from DingTalk's throttling guide: per app per API, per API globally, and the legacy ones.
const FLOW_CONTROL_CODES = [
	'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi',
	'Forbidden.AccessDenied.QpsLimitForApi',
	'90018',
	'90002',
	'90005',
	'90006',
];
const INVALID_TOKEN_CODES = [
	'InvalidAuthentication',
	'40014', // 不合法的access_token (oapi, also as sub_code of errcode 88)
	'42001', // access_token expired
	'40001',
];
const PERMISSION_CODE =
	/AccessTokenPermissionDenied|^Forbidden\.AccessDenied\.(?!Qps|ApiCount)|^60011$/;

/**
 * What /robot.*(not.*exist|不存在)/i matched ("robot", then "not" then "exist", or "不存在", on one line), by substring
 * search: the codes come from DingTalk's answers, and that pattern backtracks polynomially on "robotnotnot…".
 */
function saysRobotMissing(code: string): boolean {
	for (const line of code.toLowerCase().split(/[\n\r\u2028\u2029]/)) {
		const robot = line.indexOf('robot');
		if (robot < 0) continue;
		if (line.includes('不存在', robot + 5)) return true;
		const not = line.indexOf('not', robot + 5);
		if (not >= 0 && line.includes('exist', not + 3)) return true;
	}
	return false;
}

/**
 * DingTalk's failures, first matching row wins; within a kind, rows go from specific to general (the last row of a
 * kind is its general answer). Adding a hint for a new code: a row here, above the general row of its kind.
 */
export const ERROR_ROWS: readonly ErrorRow[] = [
	{
		match: { codes: FLOW_CONTROL_CODES, status: (status) => status === 429 },
		kind: 'flowControl',
		hint: 'DingTalk flow control (QPS limit) persisted after retries. Send fewer requests per second, or split the work over time.',
	},
	{
		match: { codes: ['Forbidden.AccessDenied.ApiCountLimitForOrg', '90020'] },
		kind: 'quota',
		hint: "The organisation's monthly DingTalk API call quota is used up; it resets next month or with a paid plan.",
	},
	{
		match: { codes: INVALID_TOKEN_CODES, subCodes: INVALID_TOKEN_CODES },
		kind: 'invalidToken',
		hint: 'DingTalk refused a freshly fetched access token. Check that the API Base URLs in the credential belong to the same DingTalk deployment.',
	},
	{
		match: { codes: ['invalidClientIdOrSecret', '40096', '40089', '40035', '40095'] },
		kind: 'credentials',
		hint: 'Check Client ID (AppKey) and Client Secret in the credential: DingTalk Developer Console → your app → Credentials & Basic Info (凭证与基础信息).',
	},
	{
		match: {
			pattern: (code) => code.startsWith('invalidParameter.robotCode') || saysRobotMissing(code),
		},
		kind: 'robotCode',
		hint: 'Check Robot Code in the credential: DingTalk Developer Console → your app → Robot (机器人) → RobotCode. For an internal app it usually equals the AppKey; it is never the literal "normal".',
	},
	{
		match: { codes: ['60121', '60111', '33012', 'invalidParameter.userIds.invalid'] },
		kind: 'userNotFound',
		hint: "Check the user ID (the staff userId, not the unionId) and that the user is in the app's visible range: Developer Console → your app → Version Management (版本管理与发布) → Visible Range.",
	},
	{
		match: { pattern: (code) => PERMISSION_CODE.test(code) },
		kind: 'permission',
		hint: (endpoint) =>
			`The app lacks a permission for ${endpoint}. Grant ` +
			`${permissionFor(endpoint) ?? 'the permission named in the message'} in DingTalk Developer ` +
			`Console → your app → Permissions (权限管理), then publish a new version.` +
			(chinesePermissionHintFor(endpoint) ?? ''),
	},
	{
		match: { codes: ['unknownError', '-1'], status: (status) => status >= 500 },
		kind: 'server',
		hint: 'DingTalk answered with a server error after retries; try again later.',
	},
	{
		match: { codes: ['aflowProcessInstCanNotBeExecuted'] },
		kind: 'invalidRequest',
		hint:
			'The task is already done, or the approval is no longer running (approved, refused or revoked): nothing ' +
			'changed. Get the approval to see its status and tasks. ' +
			'该审批任务已处理，或审批已结束（已同意、已拒绝或已撤销），本次操作未生效。请 Get 审批实例查看状态和任务。',
	},
	{
		match: { codes: ['aflowTaskActionerNotMatch'] },
		kind: 'invalidRequest',
		hint:
			"Only the task's own approver can decide it: set Actioner User ID to the userId of that task (Get lists each task's userId). " +
			'只有该任务的审批人可以处理：请将 Actioner User ID 设为该任务的 userId（Get 会列出每个任务的 userId）。',
	},
	{
		// The to-do API's refusals of a field or a task ID ("task not exist", "subject is oversize", …); code family
		// from a copy of DingTalk's reference, its per-field messages UNCONFIRMED.
		match: { pattern: (code) => code.startsWith('todo.') && code.endsWith('.paramError') },
		kind: 'invalidRequest',
		hint:
			'DingTalk refused the to-do: check that the Task ID is one this app created and the user can see ' +
			'("task not exist"), that the subject is not empty, the priority is 10, 20, 30 or 40, and a detail link is ' +
			'given. 钉钉拒绝了该待办：请确认任务 ID 由本应用创建且该用户可见、标题不为空、优先级为 10/20/30/40、已填写详情链接。',
	},
	{
		// 40004 (wrong media type) is in DingTalk's upload reference; 40006 (file size) is UNCONFIRMED; the others are
		// this package's own refusals, raised before any byte is sent.
		match: { codes: ['40004', '40006', 'mediaTooLarge', 'mediaTypeNotSupported', 'mediaEmpty'] },
		kind: 'invalidRequest',
		hint:
			'DingTalk takes images (jpg, gif, png, bmp) and videos (mp4) up to 20 MB, voice (amr, mp3, wav) up to 2 MB, ' +
			'and files (doc, docx, xls, xlsx, ppt, pptx, zip, pdf, rar) up to 20 MB. Compress or split the file, share ' +
			'a link to it instead, or choose the media type that fits.',
	},
	// Approvals. aflowProcessInstNotExist and aflowProcessInstCanNotBeExecuted are in DingTalk's reference (the
	// comments page); the other codes are UNCONFIRMED (the fake answers them).
	{
		match: { codes: ['aflowProcessNotExist'] },
		kind: 'notFound',
		hint:
			'DingTalk does not know this process code, or the app cannot see its template. Choose the template from the ' +
			'Process Code list (or copy the code from the OA approval admin: 审批管理后台 → the template → its URL ' +
			'processCode=PROC-…); suite forms (attendance, HR, finance) cannot be started through the API. ' +
			'钉钉找不到该审批模板编码（processCode），或应用看不到该模板：请从 Process Code 列表中选择模板；考勤、人事、财务等套件表单无法通过接口发起。',
	},
	{
		match: { codes: ['aflowProcessInstNotExist'] },
		kind: 'notFound',
		hint:
			'No approval has this process instance ID in this organisation: use the ID Create outputs or the approval event carries. ' +
			'本组织中没有该审批实例 ID：请使用 Create 输出或审批事件中的 processInstanceId。',
	},
	{
		match: { codes: ['aflowTaskNotExist'] },
		kind: 'notFound',
		hint:
			'The approval has no task with this ID: Get the approval and take the taskId of its RUNNING task. ' +
			'该审批没有此任务 ID：请先 Get 审批实例，使用状态为 RUNNING 的任务的 taskId。',
	},
	{
		match: { codes: ['60003'] },
		kind: 'notFound',
		hint: 'The department ID does not exist in this organisation.',
	},
	// The general answer for a refused request: DingTalk's own message says what is wrong.
	{ kind: 'invalidRequest' },
	{ match: { codes: ['22'], status: (status) => status === 404 }, kind: 'notFound' },
	{
		kind: 'network',
		hint: "DingTalk could not be reached. Check the API Base URL in the credential and the n8n host's network or proxy settings.",
	},
];

function matches(
	row: ErrorRow,
	code: string,
	httpStatus: number | undefined,
	subCode: string | undefined,
): boolean {
	const match = row.match;
	if (!match) return false;
	return Boolean(
		match.codes?.includes(code) ||
			(subCode !== undefined && match.subCodes?.includes(subCode)) ||
			(httpStatus !== undefined && match.status?.(httpStatus)) ||
			match.pattern?.(code),
	);
}

/** The row for an answer: the first that matches (of the given kind, when the kind is already known). */
export function errorRowFor(
	code: string,
	httpStatus: number | undefined,
	subCode?: string,
	kind?: DingTalkErrorKind,
): ErrorRow | undefined {
	const candidates =
		kind === undefined ? ERROR_ROWS : ERROR_ROWS.filter((row) => row.kind === kind);
	return (
		candidates.find((row) => matches(row, code, httpStatus, subCode)) ??
		(kind === undefined ? undefined : candidates.at(-1))
	);
}

export function classify(
	code: string,
	httpStatus: number | undefined,
	subCode?: string,
): DingTalkErrorKind {
	return errorRowFor(code, httpStatus, subCode)?.kind ?? 'invalidRequest';
}

/** The hint for a failure of a known kind: its row for this code, else the kind's general row. */
export function hintFor(
	kind: DingTalkErrorKind,
	endpoint: string,
	code: string,
): string | undefined {
	const hint = errorRowFor(code, undefined, undefined, kind)?.hint;
	return typeof hint === 'function' ? hint(endpoint) : hint;
}

/**
 * The permission (scope) each endpoint needs, for the "missing permission" hint. Scope names are DingTalk's
 * console names as found in public docs; the card and contact ones are UNCONFIRMED.
 */
const ENDPOINT_PERMISSIONS: Array<[RegExp, string]> = [
	[/^\/v1\.0\/robot\//, 'qyapi_robot_sendmsg (企业内机器人发送消息权限)'],
	[/^\/robot\/sendBySession/, 'qyapi_robot_sendmsg (企业内机器人发送消息权限)'],
	[/^\/v1\.0\/card\/streaming/, 'Card.Streaming.Write (AI 卡片流式更新权限)'],
	[/^\/v1\.0\/card\//, 'Card.Instance.Write (互动卡片实例写权限)'],
	// To-do scopes as the console names them (待办应用中待办读/写权限); the codes in brackets are UNCONFIRMED.
	[/^\/v1\.0\/todo\/users\/[^/]+\/org\/tasks\/query$/, 'Todo.Todo.Read (待办应用中待办读权限)'],
	[/^\/v1\.0\/todo\//, 'Todo.Todo.Write (待办应用中待办写权限)'],
	[/^\/topapi\/(v2\/)?user\//, 'qyapi_get_member (成员信息读权限)'],
	[/^\/topapi\/v2\/department\//, 'qyapi_get_department_list (通讯录部门信息读权限)'],
	// UNCONFIRMED beyond 工作流实例写权限 (DingTalk's comments page): the read permissions' exact names.
	[
		/^\/v1\.0\/workflow\/(forms|processes\/userVisibilities)\//,
		'the OA approval (OA审批) permissions that read templates and forms (search "工作流" in the list)',
	],
	[
		/^\/v1\.0\/workflow\//,
		'the OA approval (OA审批) permissions: 工作流实例写权限 (Workflow instance write) to create, decide, comment and revoke, and the matching read permission to get and list',
	],
];

/** A Chinese sentence after the English permission hint, for the endpoints whose set-up is told in both. */
const CHINESE_PERMISSION_HINTS: Array<[RegExp, string]> = [
	[
		/^\/v1\.0\/todo\//,
		' 应用缺少待办接口权限：在钉钉开发者后台 → 应用 → 权限管理 中申请“待办应用中待办写权限”（Get Many 需“待办应用中待办读权限”），然后发布新版本。',
	],
	[
		/^\/v1\.0\/workflow\//,
		' 应用缺少 OA审批 接口权限：在钉钉开发者后台 → 应用 → 权限管理 中搜索“工作流”，申请所需权限（如“工作流实例写权限”），然后发布新版本。',
	],
];

export function permissionFor(endpoint: string): string | undefined {
	return ENDPOINT_PERMISSIONS.find(([pattern]) => pattern.test(endpoint))?.[1];
}

function chinesePermissionHintFor(endpoint: string): string | undefined {
	return CHINESE_PERMISSION_HINTS.find(([pattern]) => pattern.test(endpoint))?.[1];
}
