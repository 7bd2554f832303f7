import { defaultFixture, FakeDingTalk } from '../fake-dingtalk';
import {
	type CredentialFile,
	type ExecutionResult,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	outputOf,
} from '../harness/n8n';
import {
	type CredentialRef,
	type DingTalkStep,
	flow,
	link,
	rl,
	workflow,
} from '../harness/workflows';

/**
 * The DingTalk action node in a real n8n (2.x), installed from the packed tarball as Community Nodes does,
 * against the fake DingTalk. Each test runs one imported workflow with `n8n execute`: the cases below say which
 * steps, items and credential it has and what its run must show; beforeAll imports them all at once.
 */
const fixture = defaultFixture();
const app = fixture.apps[0];
const [group, otherGroup] = fixture.conversations;
const users = fixture.users.map((u) => u.userid);
const FLOW_CONTROLLED = users[users.length - 1];
const fake = new FakeDingTalk({ ...fixture, flowControlledUserIds: [FLOW_CONTROLLED] });

const stream: CredentialRef = {
	type: 'dingTalkStreamApi',
	id: 'e2eStreamCred001',
	name: 'DingTalk Stream (fake)',
};
const http: CredentialRef = {
	type: 'dingTalkHttpApi',
	id: 'e2eHttpCred00001',
	name: 'DingTalk HTTP (fake)',
};
const chinese: CredentialRef = {
	type: 'dingTalkStreamApi',
	id: 'e2eZhCred0000001',
	name: 'DingTalk 中文 (fake)',
};
const wrongSecret: CredentialRef = {
	type: 'dingTalkStreamApi',
	id: 'e2eBadCred000001',
	name: 'DingTalk wrong secret',
};
const WRONG_SECRET = 'this-secret-is-wrong-0123456789';

function credentials(): CredentialFile[] {
	const data = fake.appConfig();
	return [
		{ ...stream, data },
		{
			...http,
			data: {
				...data,
				callbackToken: 'token',
				callbackAesKey: '1234567890123456789012345678901234567890123',
			},
		},
		{ ...chinese, data: { ...data, language: 'zh-CN' } },
		{ ...wrongSecret, data: { ...data, clientSecret: WRONG_SECRET } },
	];
}

const text = (value: string) => ({ messageType: 'text', text: value });
interface ActionCase {
	/** The test's title. */
	name: string;
	workflowId: string;
	steps: DingTalkStep[];
	/** The input items; built in beforeAll, since session webhooks carry the started fake's port. */
	items?: () => Array<Record<string, unknown>>;
	/** Stream credential unless said. */
	credential?: CredentialRef;
	/** Faults to inject at the fake before the run. */
	arrange?: () => void;
	/** Nodes after the DingTalk steps, then more DingTalk steps (a flow that posts twice). */
	after?: Array<Record<string, unknown>>;
	afterSteps?: DingTalkStep[];
	/** Nodes before the DingTalk steps (they replace the items), e.g. ones that make binary data; in chain order. */
	before?: Array<Record<string, unknown>>;
	check: (result: ExecutionResult) => void;
}

// Session webhooks are created by the fake before the workflows are imported (they carry its port).
let groupWebhook: { sessionWebhook: string; sessionWebhookExpiredTime: number };
const groupEvent = () => ({
	conversationType: 'group',
	conversationId: group.openConversationId,
	senderStaffId: users[0],
	text: 'hello bot',
	...groupWebhook,
});
const expiredDirectEvent = () => ({
	raw: {
		conversationType: '1',
		conversationId: 'cidDirectChat==',
		senderStaffId: users[1],
		sessionWebhook: `${fake.baseUrl}/robot/sendBySession?session=gone`,
		sessionWebhookExpiredTime: Date.now() - 60_000,
	},
});

const REPORT_BYTES = 6 * 1024 * 1024;
/** A 1x1 PNG. */
const PNG_BASE64 =
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const setNode = (name: string, field: string, value: string) => ({
	id: `set-${name.replace(/\W/g, '')}`,
	name,
	type: 'n8n-nodes-base.set',
	typeVersion: 3.4,
	position: [0, 200],
	parameters: {
		mode: 'manual',
		assignments: { assignments: [{ id: field, name: field, value, type: 'string' }] },
	},
});
const toFileNode = (name: string, operation: string, field: string, options: object) => ({
	id: `file-${name.replace(/\W/g, '')}`,
	name,
	type: 'n8n-nodes-base.convertToFile',
	typeVersion: 1.1,
	position: [0, 400],
	parameters: { operation, sourceProperty: field, binaryPropertyName: 'data', options },
});

/** The expense template's fields as the editor saves them in a resource mapper (from getApprovalFormFields). */
const EXPENSE_MAPPER_SCHEMA = [
	{ id: 'Reason', displayName: 'Reason', type: 'string', required: true },
	{ id: 'Amount', displayName: 'Amount', type: 'number', required: true },
	{
		id: 'Type',
		displayName: 'Type',
		type: 'options',
		required: false,
		options: ['Travel', 'Meals', 'Equipment'].map((o) => ({ name: o, value: o })),
	},
	{ id: 'Date', displayName: 'Date', type: 'dateTime', required: false },
	{ id: 'Notes', displayName: 'Notes', type: 'string', required: false },
].map((field) => ({
	...field,
	defaultMatch: false,
	canBeUsedToMatch: false,
	display: true,
	removed: false,
}));

/** The cases by describe block, in the order the tests run. */
const cases: Record<string, ActionCase[]> = {
	Message: [
		{
			name: 'Send to Users: batches of 20, invalid and flow-controlled users reported, nobody lost',
			workflowId: 'e2eSendToUsers01',
			steps: [
				{
					name: 'Notify',
					parameters: {
						resource: 'message',
						operation: 'sendToUsers',
						userIds: [...users, ...Array.from({ length: 33 }, (_, i) => `ghost-${i}`)].join(', '),
						messageType: 'markdown',
						title: 'Release',
						markdown: '## v1 is out',
					},
				},
			],
			check: (result) => {
				expect(result.ok).toBe(true);
				const sends = fake.requestsTo('/v1.0/robot/oToMessages/batchSend');
				expect(sends.map((r) => (r.body as { userIds: string[] }).userIds.length)).toEqual([
					20, 20, 5,
				]);
				expect((sends[0].body as { msgKey: string }).msgKey).toBe('sampleMarkdown');
				expect(JSON.parse((sends[0].body as { msgParam: string }).msgParam)).toEqual({
					title: 'Release',
					text: '## v1 is out',
				});
				const [out] = outputOf(result, 'Notify');
				expect(out.processQueryKeys).toHaveLength(3);
				expect(out.invalidUserIds).toHaveLength(33);
				expect(out.flowControlledUserIds).toEqual([FLOW_CONTROLLED]);
				expect([...(out.sentUserIds as string[])].sort()).toEqual(
					users.filter((u) => u !== FLOW_CONTROLLED).sort(),
				);
				// Quoted in README → Troubleshooting.
				expect(out.warning).toBe(
					"33 user ID(s) are unknown or outside the app's visible range and got nothing.",
				);
				expect(fake.tokenCalls()).toBe(1);
			},
		},
		{
			name: 'Send to Group: ActionCard with two buttons',
			workflowId: 'e2eSendToGroup01',
			steps: [
				{
					name: 'Post',
					parameters: {
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: group.openConversationId,
						messageType: 'actionCard',
						title: 'Approve?',
						markdown: 'Expense #42',
						buttons: {
							button: [
								{ title: 'Yes', url: 'https://example.com/y' },
								{ title: 'No', url: 'https://example.com/n' },
							],
						},
					},
				},
			],
			check: (result) => {
				expect(result.ok).toBe(true);
				const [post] = fake.requestsTo('/v1.0/robot/groupMessages/send');
				expect(post.body).toMatchObject({
					robotCode: app.robotCode,
					openConversationId: group.openConversationId,
					msgKey: 'sampleActionCard2',
				});
				expect(JSON.parse((post.body as { msgParam: string }).msgParam)).toEqual({
					title: 'Approve?',
					text: 'Expense #42',
					actionTitle1: 'Yes',
					actionURL1: 'https://example.com/y',
					actionTitle2: 'No',
					actionURL2: 'https://example.com/n',
				});
				expect(outputOf(result, 'Post')[0].processQueryKey).toBeTruthy();
			},
		},
		{
			name: 'Send to Group from binary data: a 6 MB report and a PNG made in the flow, uploaded then posted',
			workflowId: 'e2eSendBinary001',
			before: [
				setNode('Report Text', 'report', `={{ 'x'.repeat(${REPORT_BYTES}) }}`),
				toFileNode('Report File', 'toText', 'report', { fileName: 'report.pdf' }),
			],
			steps: [
				{
					name: 'Post Report',
					parameters: {
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: group.openConversationId,
						messageType: 'file',
						mediaSource: 'binary',
					},
				},
			],
			after: [
				setNode('Chart Data', 'png', PNG_BASE64),
				toFileNode('Chart File', 'toBinary', 'png', {
					fileName: 'chart.png',
					mimeType: 'image/png',
				}),
			],
			afterSteps: [
				{
					name: 'Post Chart',
					parameters: {
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: group.openConversationId,
						messageType: 'image',
						mediaSource: 'binary',
					},
				},
			],
			check: (result) => {
				expect(result.ok).toBe(true);
				const [report, chart] = fake.uploads;
				expect(report).toMatchObject({ type: 'file', fileName: 'report.pdf', size: REPORT_BYTES });
				expect(chart).toMatchObject({
					type: 'image',
					fileName: 'chart.png',
					size: Buffer.from(PNG_BASE64, 'base64').length,
					head: Buffer.from(PNG_BASE64, 'base64').subarray(0, 16).toString('hex'),
				});
				expect(fake.sentMessages.map((m) => [m.openConversationId, m.msgKey, m.msgParam])).toEqual([
					[
						group.openConversationId,
						'sampleFile',
						{ mediaId: report.mediaId, fileName: 'report.pdf', fileType: 'pdf' },
					],
					[group.openConversationId, 'sampleImageMsg', { photoURL: chart.mediaId }],
				]);
				// No look at the nodes' printed output: it holds the 6 MB text, which the harness does not parse.
			},
		},
		{
			name: 'Reply: through the session webhook while valid, @mentioning the sender',
			workflowId: 'e2eReplyWebhook1',
			steps: [
				{
					name: 'Reply',
					parameters: {
						resource: 'message',
						operation: 'reply',
						...text('Hi there'),
						options: { mentionSender: true },
					},
				},
			],
			items: () => [groupEvent()],
			check: (result) => {
				expect(result.ok).toBe(true);
				const [reply] = fake.sentMessages.filter((m) => m.channel === 'session');
				expect(reply.body).toEqual({
					msgtype: 'text',
					text: { content: `Hi there @${users[0]}` },
					at: { atUserIds: [users[0]], isAtAll: false },
				});
				expect(outputOf(result, 'Reply')[0]).toMatchObject({
					via: 'sessionWebhook',
					conversationType: 'group',
				});
				expect(fake.tokenCalls()).toBe(0);
			},
		},
		{
			name: 'Reply: through the OpenAPI when the session webhook expired (raw payload accepted)',
			workflowId: 'e2eReplyOpenApi1',
			steps: [
				{
					name: 'Reply',
					parameters: {
						resource: 'message',
						operation: 'reply',
						messageType: 'markdown',
						title: '',
						markdown: '**done**',
					},
				},
			],
			items: () => [expiredDirectEvent()],
			check: (result) => {
				expect(result.ok).toBe(true);
				expect(fake.requestsTo(/sendBySession/)).toHaveLength(0);
				const [send] = fake.requestsTo('/v1.0/robot/oToMessages/batchSend');
				expect(send.body).toMatchObject({ userIds: [users[1]], msgKey: 'sampleMarkdown' });
				expect(JSON.parse((send.body as { msgParam: string }).msgParam).title).toBe('New message');
				expect(outputOf(result, 'Reply')[0]).toMatchObject({
					via: 'openApi',
					conversationType: 'direct',
					userId: users[1],
				});
			},
		},
		{
			name: "Reply: refuses a session webhook that is not DingTalk's, sending nothing",
			workflowId: 'e2eReplyEvilHost',
			steps: [
				{
					name: 'Reply',
					continueOnFail: true,
					parameters: { resource: 'message', operation: 'reply', ...text('secret data') },
				},
			],
			items: () => [
				{ ...groupEvent(), sessionWebhook: 'http://127.0.0.1:9/robot/sendBySession?session=x' },
			],
			check: (result) => {
				expect(outputOf(result, 'Reply')[0].error).toMatch(/does not point to DingTalk/);
				expect(fake.requests).toHaveLength(0);
			},
		},
		{
			name: 'Recall: one-to-one and group, per-key failures reported',
			workflowId: 'e2eSendAndRecall',
			steps: [
				{
					name: 'Notify',
					parameters: {
						resource: 'message',
						operation: 'sendToUsers',
						userIds: users.slice(0, 3).join(','),
						...text('oops'),
					},
				},
				{
					name: 'Recall',
					parameters: {
						resource: 'message',
						operation: 'recall',
						chatType: 'direct',
						processQueryKeys: '={{ $json.processQueryKeys.join(",") }},not-a-key',
					},
				},
				{
					name: 'Post',
					parameters: {
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: otherGroup.openConversationId,
						...text('oops'),
					},
				},
				{
					name: 'Recall Group',
					parameters: {
						resource: 'message',
						operation: 'recall',
						chatType: 'group',
						openConversationId: otherGroup.openConversationId,
						processQueryKeys: '={{ $json.processQueryKey }}',
					},
				},
			],
			check: (result) => {
				expect(result.ok).toBe(true);
				const [recall] = outputOf(result, 'Recall');
				expect(recall.recalled).toHaveLength(1);
				expect(recall.failed).toEqual([expect.objectContaining({ processQueryKey: 'not-a-key' })]);
				const direct = fake.sentMessages.filter((m) => m.channel === 'oto');
				expect(direct).toHaveLength(1);
				expect(direct.every((m) => m.recalled)).toBe(true);
				expect(outputOf(result, 'Recall Group')[0].recalled).toHaveLength(1);
				expect(fake.sentMessages.find((m) => m.channel === 'group')?.recalled).toBe(true);
			},
		},
	],
	Card: [
		{
			name: 'Send, Update and Stream Content: an AI card types itself in and finishes',
			workflowId: 'e2eCardLifecycle',
			steps: [
				{
					name: 'Send Card',
					parameters: {
						resource: 'card',
						operation: 'send',
						cardTemplateId: 'tpl-ai-card.schema',
						target: 'user',
						userId: rl(users[0]),
						cardDataMode: 'json',
						cardJson: '{"title":"Answer","content":"","flowStatus":1,"meta":{"a":1}}',
						options: { outTrackId: 'e2e-card-1' },
					},
				},
				{
					name: 'Update Card',
					parameters: {
						resource: 'card',
						operation: 'update',
						outTrackId: "={{ $('Send Card').item.json.outTrackId }}",
						cardDataMode: 'fields',
						cardFields: { field: [{ key: 'title', value: 'Answer (updated)' }] },
					},
				},
				{
					name: 'Stream 1',
					parameters: {
						resource: 'card',
						operation: 'streamContent',
						outTrackId: 'e2e-card-1',
						key: 'content',
						content: 'Hello, ',
						mode: 'append',
					},
				},
				{
					name: 'Stream 2',
					parameters: {
						resource: 'card',
						operation: 'streamContent',
						outTrackId: 'e2e-card-1',
						key: 'content',
						content: 'world.',
						mode: 'append',
						isFinalize: true,
					},
				},
			],
			check: (result) => {
				expect(result.ok).toBe(true);
				const card = fake.cards.get('e2e-card-1');
				expect(card).toMatchObject({
					cardTemplateId: 'tpl-ai-card.schema',
					openSpaceId: `dtv1.card//IM_ROBOT.${users[0]}`,
					finalized: true,
				});
				expect(card?.cardData).toMatchObject({
					title: 'Answer (updated)',
					flowStatus: '1',
					meta: '{"a":1}',
				});
				expect(card?.fieldValues.content).toBe('Hello, world.');
				const [created] = fake.requestsTo('/v1.0/card/instances/createAndDeliver');
				expect(created.body).toMatchObject({
					callbackType: 'STREAM',
					imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: app.robotCode },
				});
				expect(outputOf(result, 'Stream 2')[0]).toMatchObject({
					outTrackId: 'e2e-card-1',
					isFinalize: true,
					mode: 'append',
				});
			},
		},
		{
			name: 'Send to a group with @mention and HTTP callbacks; an unknown user is a clear error',
			workflowId: 'e2eCardToGroup01',
			steps: [
				{
					name: 'Send Card',
					parameters: {
						resource: 'card',
						operation: 'send',
						cardTemplateId: 'tpl-approval.schema',
						target: 'group',
						openConversationId: group.openConversationId,
						cardFields: { field: [{ key: 'status', value: 'pending' }] },
						options: {
							mentionUserIds: users[2],
							callbackType: 'HTTP',
							callbackRouteKey: 'n8n-route',
						},
					},
				},
				{
					name: 'Card To Nobody',
					continueOnFail: true,
					parameters: {
						resource: 'card',
						operation: 'send',
						cardTemplateId: 'tpl.schema',
						target: 'user',
						userId: rl('no-such-user'),
					},
				},
			],
			check: (result) => {
				const [toGroup] = outputOf(result, 'Send Card');
				expect(toGroup).toMatchObject({
					delivered: true,
					target: 'group',
					spaceId: group.openConversationId,
				});
				const [created] = fake.requestsTo('/v1.0/card/instances/createAndDeliver');
				expect(created.body).toMatchObject({
					openSpaceId: `dtv1.card//IM_GROUP.${group.openConversationId}`,
					callbackType: 'HTTP',
					callbackRouteKey: 'n8n-route',
					imGroupOpenDeliverModel: {
						robotCode: app.robotCode,
						atUserIds: { [users[2]]: users[2] },
					},
				});
				const [failed] = outputOf(result, 'Card To Nobody');
				expect(failed.error).toMatch(/not delivered to user no-such-user/);
				expect(failed.hint).toMatch(/visible range/);
			},
		},
	],
	'User and Department': [
		{
			name: 'lists every user of the organisation once, through sub-departments',
			workflowId: 'e2eDirectory0001',
			steps: [
				{
					name: 'All Users',
					parameters: {
						resource: 'user',
						operation: 'getAll',
						departmentId: rl('1'),
						includeSubDepartments: true,
						returnAll: true,
					},
				},
			],
			check: (result) => {
				const listed = outputOf(result, 'All Users').map((u) => u.userid);
				expect([...listed].sort()).toEqual([...users].sort());
				expect(fake.requestsTo('/topapi/v2/department/listsub').length).toBeGreaterThan(1);
			},
		},
		{
			name: 'honours Limit with full profiles, and lists departments at all levels',
			workflowId: 'e2eDirectory0002',
			steps: [
				{
					name: 'Some Users',
					parameters: {
						resource: 'user',
						operation: 'getAll',
						departmentId: rl('1'),
						detail: 'full',
						returnAll: false,
						limit: 2,
					},
				},
				{
					name: 'Departments',
					executeOnce: true,
					parameters: {
						resource: 'department',
						operation: 'getAll',
						parentDepartmentId: rl('1'),
						recursive: true,
						returnAll: true,
					},
				},
			],
			check: (result) => {
				const some = outputOf(result, 'Some Users');
				expect(some).toHaveLength(2);
				expect(fake.requestsTo('/topapi/v2/user/list').length).toBeGreaterThan(0);
				const departments = outputOf(result, 'Departments');
				expect(departments.map((d) => d.dept_id).sort()).toEqual(
					fixture.departments
						.filter((d) => d.dept_id !== 1)
						.map((d) => d.dept_id)
						.sort(),
				);
			},
		},
		{
			name: "gets a user (HTTP credential); an unknown user gives DingTalk's error with a hint, per item",
			workflowId: 'e2eGetUser000001',
			steps: [
				{
					name: 'Get User',
					continueOnFail: true,
					parameters: { resource: 'user', operation: 'get', userId: rl('={{ $json.id }}') },
				},
			],
			items: () => [{ id: users[3] }, { id: 'no-such-user' }],
			credential: http,
			check: (result) => {
				const [found, missing] = outputOf(result, 'Get User');
				expect(found.userid).toBe(users[3]);
				expect(missing).toMatchObject({
					code: '60121',
					hint: expect.stringMatching(/visible range/),
				});
				expect(missing.error).toMatch(/DingTalk error 60121/);
			},
		},
	],
	Approval: [
		{
			name: 'Create with the form mapped by label, then Get returns the same values by label',
			workflowId: 'e2eApprovalCreate1',
			steps: [
				{
					name: 'Create',
					parameters: {
						resource: 'approval',
						operation: 'create',
						processCode: 'PROC-EXPENSE-0001',
						originatorUserId: users[3],
						formInput: 'mapped',
						// As the editor saves a resource mapper: the values by label and the fields' schema.
						formValues: {
							mappingMode: 'defineBelow',
							value: {
								Reason: 'Conference in Hangzhou',
								Amount: 1200.5,
								Type: 'Travel',
								Date: '2026-12-24T00:00:00',
							},
							matchingColumns: [],
							schema: EXPENSE_MAPPER_SCHEMA,
							attemptToConvertTypes: false,
							convertFieldsToString: false,
						},
					},
				},
				{
					name: 'Get',
					parameters: {
						resource: 'approval',
						operation: 'get',
						processInstanceId: '={{ $json.processInstanceId }}',
					},
				},
			],
			check: (result) => {
				expect(result.ok).toBe(true);
				const [created] = outputOf(result, 'Create');
				const [create] = fake
					.requestsTo('/v1.0/workflow/processInstances')
					.filter((r) => r.method === 'POST');
				expect(create.body).toMatchObject({
					processCode: 'PROC-EXPENSE-0001',
					originatorUserId: users[3],
					deptId: -1,
				});
				expect(created.processInstanceId).toBe(
					(create.response as { instanceId: string }).instanceId,
				);
				const [got] = outputOf(result, 'Get');
				expect(got).toMatchObject({
					processInstanceId: created.processInstanceId,
					status: 'RUNNING',
					originatorUserId: users[3],
				});
				expect(got.form).toEqual({
					Reason: 'Conference in Hangzhou',
					Amount: '1200.5',
					Type: 'Travel',
					Date: '2026-12-24',
				});
				expect(got.tasks).toEqual([
					expect.objectContaining({ userId: 'manager0002', status: 'RUNNING' }),
				]);
			},
		},
		{
			name: 'an unknown process code fails with DingTalk’s code and the hint; a wrong mapped option is refused before any request, JSON goes to DingTalk as given',
			workflowId: 'e2eApprovalError1',
			steps: [
				{
					name: 'Unknown Template',
					continueOnFail: true,
					parameters: {
						resource: 'approval',
						operation: 'create',
						processCode: 'PROC-DOES-NOT-EXIST',
						originatorUserId: users[3],
						formValues: {
							mappingMode: 'defineBelow',
							value: { Reason: 'x' },
							matchingColumns: [],
							schema: [],
							attemptToConvertTypes: false,
							convertFieldsToString: false,
						},
					},
				},
				{
					name: 'Wrong Mapped Option',
					continueOnFail: true,
					parameters: {
						resource: 'approval',
						operation: 'create',
						processCode: 'PROC-EXPENSE-0001',
						originatorUserId: users[3],
						formValues: {
							mappingMode: 'defineBelow',
							value: { Reason: 'x', Amount: 1, Type: 'Spa' },
							matchingColumns: [],
							schema: [],
							attemptToConvertTypes: false,
							convertFieldsToString: false,
						},
					},
				},
				{
					name: 'Wrong Option',
					continueOnFail: true,
					parameters: {
						resource: 'approval',
						operation: 'create',
						processCode: 'PROC-EXPENSE-0001',
						originatorUserId: users[3],
						formInput: 'json',
						formValuesJson: '{"Reason": "x", "Amount": 1, "Type": "Spa"}',
					},
				},
			],
			check: (result) => {
				const [unknown] = outputOf(result, 'Unknown Template');
				expect(unknown).toMatchObject({
					code: 'aflowProcessNotExist',
					hint: expect.stringMatching(/^DingTalk does not know this process code.*钉钉找不到/s),
				});
				expect(unknown.error).toMatch(/DingTalk error aflowProcessNotExist/);
				expect(fake.requestsTo('/v1.0/workflow/processInstances')).toHaveLength(1);
				const [mapped] = outputOf(result, 'Wrong Mapped Option');
				expect(mapped.error).toBe('"Type" takes one of "Travel", "Meals", "Equipment", not "Spa"');
				// JSON input is sent as given: DingTalk (the fake) refuses the option itself. Only that one was sent.
				expect(
					fake
						.requestsTo('/v1.0/workflow/processInstances')
						.map((r) => (r.body as { formComponentValues: unknown[] }).formComponentValues),
				).toEqual([
					[
						{ name: 'Reason', value: 'x' },
						{ name: 'Amount', value: '1' },
						{ name: 'Type', value: 'Spa' },
					],
				]);
				const [wrong] = outputOf(result, 'Wrong Option');
				expect(wrong).toMatchObject({ code: 'invalidParameter' });
				expect(wrong.error).toMatch(/Type 的值不在选项中/);
				expect(wrong.hint).toBeUndefined();
			},
		},
	],
	'To-do': [
		{
			name: 'a to-do created for a user ID',
			workflowId: 'e2eTodoForUser01',
			items: () => [{ creator: users[0], executor: users[3] }],
			steps: [
				{
					name: 'Create To-do',
					parameters: {
						resource: 'todo',
						operation: 'create',
						userId: rl('={{ $json.creator }}'),
						subject: 'Send the signed contract',
						executorUserIds: '={{ $json.executor }}',
						additionalFields: {
							appUrl: 'https://tickets.example/42',
							priority: 30,
							// As the date picker gives it: no offset, so in the workflow's time zone.
							dueTime: '2026-12-24T10:00:00',
						},
					},
				},
				{
					name: 'Open To-dos',
					parameters: {
						resource: 'todo',
						operation: 'getAll',
						userId: rl("={{ $('Split').first().json.executor }}"),
						returnAll: true,
						filters: { isDone: false },
					},
				},
				{
					name: 'Mark Done',
					executeOnce: true,
					parameters: {
						resource: 'todo',
						operation: 'update',
						userId: rl("={{ $('Split').first().json.executor }}"),
						taskId: "={{ $('Create To-do').first().json.taskId }}",
						updateFields: { done: true },
					},
				},
				{
					name: 'Done To-dos',
					parameters: {
						resource: 'todo',
						operation: 'getAll',
						userId: rl("={{ $('Split').first().json.creator }}"),
						returnAll: true,
						filters: { isDone: true },
					},
				},
			],
			check: (result) => {
				expect(result.ok).toBe(true);
				const [creator, executor] = [users[0], users[3]];
				const [created] = outputOf(result, 'Create To-do');
				const taskId = created.taskId as string;
				expect(taskId).toEqual(expect.any(String));
				// The workflow gave user IDs; DingTalk got union IDs (path, operator, creator, executors).
				const [create] = fake.requestsTo(/^\/v1\.0\/todo\/users\/[^/]+\/tasks$/);
				expect([create.path, create.query]).toEqual([
					`/v1.0/todo/users/union${creator}/tasks`,
					{ operatorId: `union${creator}` },
				]);
				expect(create.body).toMatchObject({
					subject: 'Send the signed contract',
					creatorId: `union${creator}`,
					executorIds: [`union${executor}`],
					priority: 30,
					// n8n's default time zone (GENERIC_TIMEZONE unset): America/New_York, UTC-5 in December.
					dueTime: Date.parse('2026-12-24T15:00:00.000Z'),
					detailUrl: { appUrl: 'https://tickets.example/42', pcUrl: 'https://tickets.example/42' },
				});
				expect(outputOf(result, 'Open To-dos')).toEqual([
					expect.objectContaining({ taskId, isDone: false }),
				]);
				const [update] = fake.requestsTo(`/v1.0/todo/users/union${executor}/tasks/${taskId}`);
				expect([update.method, update.body, update.status]).toEqual(['PUT', { done: true }, 200]);
				expect(outputOf(result, 'Mark Done')).toEqual([{ taskId, success: true, done: true }]);
				expect(outputOf(result, 'Done To-dos')).toEqual([
					expect.objectContaining({ taskId, isDone: true }),
				]);
				expect(fake.todos.tasks.get(taskId)?.done).toBe(true);
				// Each node run looks each user ID up once: Create both, each Get Many and Mark Done one.
				expect(
					fake.requestsTo('/topapi/v2/user/get').map((r) => (r.body as { userid: string }).userid),
				).toEqual([creator, executor, executor, executor, creator]);
			},
		},
	],
	'Client behaviour inside n8n': [
		{
			name: '100 items: one token call, one send each, pairedItem kept',
			workflowId: 'e2eManyItems0001',
			steps: [
				{
					name: 'Notify',
					parameters: {
						resource: 'message',
						operation: 'sendToUsers',
						userIds: '={{ $json.user }}',
						...text('={{ "item " + $json.n }}'),
					},
				},
			],
			items: () =>
				Array.from({ length: 100 }, (_, n) => ({ n, user: users[n % (users.length - 1)] })),
			check: (result) => {
				expect(result.ok).toBe(true);
				expect(fake.tokenCalls()).toBe(1);
				expect(fake.requestsTo('/v1.0/robot/oToMessages/batchSend')).toHaveLength(100);
				const items = result.runData.Notify[0].data?.main?.[0] ?? [];
				expect(items).toHaveLength(100);
				expect(items[57].pairedItem).toEqual({ item: 57 });
				expect(
					JSON.parse(
						(fake.requestsTo('/v1.0/robot/oToMessages/batchSend')[57].body as { msgParam: string })
							.msgParam,
					),
				).toEqual({ content: 'item 57' });
			},
		},
		{
			name: 'retries DingTalk flow control and succeeds',
			workflowId: 'e2eFlowControl01',
			steps: [
				{
					name: 'Post',
					parameters: {
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: group.openConversationId,
						...text('throttled'),
					},
				},
			],
			arrange: () =>
				fake.injectFault({ path: '/v1.0/robot/groupMessages/send', kind: 'flowControl', times: 2 }),
			check: (result) => {
				expect(result.ok).toBe(true);
				expect(fake.requestsTo('/v1.0/robot/groupMessages/send').map((r) => r.status)).toEqual([
					403, 403, 200,
				]);
			},
		},
		{
			name: "a wrong Client Secret fails with DingTalk's own message and never shows the secret",
			workflowId: 'e2eWrongSecret01',
			steps: [
				{
					name: 'Post',
					parameters: {
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: group.openConversationId,
						...text('x'),
					},
				},
			],
			credential: wrongSecret,
			check: (result) => {
				expect(result.ok).toBe(false);
				expect(result.errorMessage).toMatch(/invalidClientIdOrSecret/);
				expect(fake.requestsTo('/v1.0/robot/groupMessages/send')).toHaveLength(0);
			},
		},
		{
			name: 'writes its own texts in the Preferred Language (zh-CN)',
			workflowId: 'e2eChinese000001',
			steps: [
				{
					name: 'Card',
					parameters: {
						resource: 'message',
						operation: 'sendToUsers',
						userIds: users[0],
						messageType: 'actionCard',
						markdown: '请查看',
						buttons: { button: [{ url: 'https://example.com' }] },
					},
				},
			],
			credential: chinese,
			check: (result) => {
				expect(result.ok).toBe(true);
				const [send] = fake.requestsTo('/v1.0/robot/oToMessages/batchSend');
				expect(JSON.parse((send.body as { msgParam: string }).msgParam)).toMatchObject({
					title: '新消息',
					singleTitle: '查看详情',
				});
			},
		},
		{
			name: 'bad input: empty user list, invalid JSON, oversized group message — clear errors, nothing sent',
			workflowId: 'e2eBadInput00001',
			steps: [
				{
					name: 'No Users',
					continueOnFail: true,
					parameters: {
						resource: 'message',
						operation: 'sendToUsers',
						userIds: ' , ',
						...text('x'),
					},
				},
				{
					name: 'Bad Template',
					continueOnFail: true,
					parameters: {
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: group.openConversationId,
						messageType: 'template',
						msgKey: 'sampleText',
						msgParam: '{not json',
					},
				},
				{
					name: 'Huge',
					continueOnFail: true,
					parameters: {
						resource: 'message',
						operation: 'sendToGroup',
						openConversationId: group.openConversationId,
						...text('x'.repeat(16_000)),
					},
				},
			],
			check: (result) => {
				expect(outputOf(result, 'No Users')[0].error).toMatch(/"User IDs" is empty/);
				expect(outputOf(result, 'Bad Template')[0].error).toMatch(/"Msg Param" is not valid JSON/);
				expect(outputOf(result, 'Huge')[0].error).toMatch(/DingTalk accepts at most 15000 bytes/);
				expect(fake.requestsTo(/robot/)).toHaveLength(0);
			},
		},
	],
};

beforeAll(async () => {
	await fake.start();
	groupWebhook = fake.createSessionWebhook({
		conversationType: '2',
		conversationId: group.openConversationId,
	});
	await importCredentials(credentials());
	await importWorkflows(
		Object.values(cases)
			.flat()
			.map((c) =>
				c.before
					? chained(c)
					: workflow(c.workflowId, c.steps, {
							items: c.items?.(),
							credential: c.credential ?? stream,
						}),
			),
	);
});

/** A case with its own nodes around the DingTalk steps: one chain, built on the DingTalk nodes `workflow` makes. */
function chained(c: ActionCase) {
	const credential = c.credential ?? stream;
	const dingTalk = (steps: DingTalkStep[]) =>
		(
			workflow(`${c.workflowId}-x`, steps, { credential }) as { nodes: Array<{ name: string }> }
		).nodes.slice(1);
	const nodes = [
		...(workflow(c.workflowId, [], { credential }) as { nodes: unknown[] }).nodes,
		...(c.before ?? []),
		...dingTalk(c.steps),
		...(c.after ?? []),
		...dingTalk(c.afterSteps ?? []),
	] as Array<{ name: string; position: number[] }>;
	nodes.forEach((node, i) => (node.position = [i * 220, 0]));
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++)
		connections[nodes[i].name] = { main: [[link(nodes[i + 1].name)]] };
	return flow(c.workflowId, nodes, connections);
}

afterAll(async () => await fake.stop());
beforeEach(() => fake.reset());

const run = async (id: string) => {
	const result = await executeWorkflow(id);
	const secrets = [app.clientSecret, WRONG_SECRET];
	for (const secret of secrets) expect(result.raw.stdout + result.raw.stderr).not.toContain(secret);
	return result;
};

for (const [block, blockCases] of Object.entries(cases)) {
	describe(block, () => {
		for (const c of blockCases) {
			it(c.name, async () => {
				c.arrange?.();
				c.check(await run(c.workflowId));
			});
		}
	});
}
