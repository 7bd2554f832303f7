import { defaultFixture, FakeDingTalk } from '../fake-dingtalk';
import { importCredentials } from '../harness/n8n';
import { PACKAGE_PREFIX } from '../harness/paths';
import { N8nServer } from '../harness/server';

/**
 * What a user does in the n8n editor, through the REST API the editor itself calls on a running n8n:
 * the credential Test button, the user/department pickers, and the approval template picker and form mapper.
 */
const fixture = defaultFixture();
const app = fixture.apps[0];
const fake = new FakeDingTalk(fixture);
const server = new N8nServer();
const GOOD_AES_KEY = '1234567890123456789012345678901234567890123';
const WRONG_SECRET = 'definitely-wrong-secret-4711';

const base = () => fake.appConfig();
const credentials = () => [
	{ id: 'edStreamGood0001', name: 'Stream good', type: 'dingTalkStreamApi', data: base() },
	{
		id: 'edStreamBad00001',
		name: 'Stream wrong secret',
		type: 'dingTalkStreamApi',
		data: { ...base(), clientSecret: WRONG_SECRET },
	},
	{
		id: 'edStreamNormal01',
		name: 'Stream robot normal',
		type: 'dingTalkStreamApi',
		data: { ...base(), robotCode: 'normal' },
	},
	{
		id: 'edStreamNoHost01',
		name: 'Stream unreachable',
		type: 'dingTalkStreamApi',
		data: { ...base(), apiBaseUrl: 'http://127.0.0.1:9' },
	},
	{
		id: 'edHttpGood00001',
		name: 'HTTP good',
		type: 'dingTalkHttpApi',
		data: { ...base(), callbackToken: 'tok', callbackAesKey: GOOD_AES_KEY },
	},
	{
		id: 'edHttpShortKey01',
		name: 'HTTP short key',
		type: 'dingTalkHttpApi',
		data: { ...base(), callbackToken: 'tok', callbackAesKey: 'abc' },
	},
];

beforeAll(async () => {
	await fake.start();
	await importCredentials(credentials());
	await server.start();
	await server.setupOwner();
});

afterAll(async () => {
	await server.stop();
	await fake.stop();
	expect(server.logs).not.toContain(app.clientSecret);
	expect(server.logs).not.toContain(WRONG_SECRET);
});

const testCredential = async (id: string) => {
	const credential = credentials().find((c) => c.id === id) as ReturnType<
		typeof credentials
	>[number];
	const { data } = await server.rest<{ status: string; message: string }>(
		'POST',
		'/credentials/test',
		{ credentials: credential },
	);
	return data;
};

describe('Credential Test button', () => {
	it('Stream credential: a real token call and a gateway probe (open, handshake, close)', async () => {
		fake.reset();
		expect(await testCredential('edStreamGood0001')).toEqual({
			status: 'OK',
			message: `Connection successful: access token issued for app ${app.clientId}; mode long_connection, connected yes, topics /v1.0/im/bot/messages/get, /v1.0/card/instances/callback`,
		});
		expect(fake.requestsTo('/v1.0/oauth2/accessToken')).toHaveLength(1);
		expect(fake.requestsTo('/v1.0/gateway/connections/open')).toHaveLength(1);
		// The probe closes the socket right after the handshake; the gateway sees the close a moment later.
		for (let i = 0; i < 50 && !fake.gateway.connections.at(-1)?.closedAt; i++)
			await new Promise((resolve) => setTimeout(resolve, 40));
		expect(fake.gateway.connections.at(-1)?.closedAt).toBeDefined();
	});

	it('Stream credential: a gateway that refuses the handshake is reported as not connected', async () => {
		fake.injectFault({ path: '/v1.0/gateway/connections/open', kind: 'serverError', times: 2 });
		const result = await testCredential('edStreamGood0001');
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/^mode long_connection, connected no, last error: DingTalk error unknownError/,
		);
	});

	it("a wrong secret shows DingTalk's own error and where to fix it, never the secret", async () => {
		const result = await testCredential('edStreamBad00001');
		expect(result.status).toBe('Error');
		expect(result.message).toContain(
			'DingTalk error invalidClientIdOrSecret: 无效的clientId或者clientSecret',
		);
		expect(result.message).toContain('Credentials & Basic Info');
		expect(result.message).not.toContain(WRONG_SECRET);
	});

	it('Robot Code "normal" is refused with what to paste instead', async () => {
		const result = await testCredential('edStreamNormal01');
		expect(result).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/message mode, not its code/),
		});
	});

	it('an unreachable API Base URL says so', async () => {
		const result = await testCredential('edStreamNoHost01');
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/could not be reached/);
	});

	it('HTTP credential: token plus the callback settings it found', async () => {
		expect(await testCredential('edHttpGood00001')).toEqual({
			status: 'OK',
			message: `Connection successful: Callback Token set, Callback AES Key valid; access token issued for app ${app.clientId}`,
		});
	});

	it('HTTP credential: an AES key of the wrong length is named, with its length', async () => {
		expect(await testCredential('edHttpShortKey01')).toEqual({
			status: 'Error',
			message:
				'Callback AES Key must be exactly 43 characters; this one has 3. Copy aes_key again from Developer Console → your app → Event Subscription.',
		});
	});
});

describe('Pickers', () => {
	const search = async (methodName: string, filter?: string, paginationToken?: string) =>
		await server.rest<{
			results: Array<{ name: string; value: string }>;
			paginationToken?: string;
		}>('POST', '/dynamic-node-parameters/resource-locator-results', {
			path: 'parameters.userId',
			nodeTypeAndVersion: { name: `${PACKAGE_PREFIX}.dingTalk`, version: 1 },
			currentNodeParameters: { authentication: 'streamApi', resource: 'user', operation: 'get' },
			methodName,
			filter,
			paginationToken,
			credentials: { dingTalkStreamApi: { id: 'edStreamGood0001', name: 'Stream good' } },
		});

	it('User picker searches members by name', async () => {
		const { status, data } = await search('searchUsers', '张');
		expect(status).toBe(200);
		expect(data.results).toEqual([{ name: '张伟 (manager0001)', value: 'manager0001' }]);
	});

	it('Department picker lists the whole tree, filtered by name', async () => {
		const all = await search('searchDepartments');
		expect(all.data.results.map((r) => r.value).sort()).toEqual(
			fixture.departments.map((d) => String(d.dept_id)).sort(),
		);
		const { data } = await search('searchDepartments', 'plat');
		expect(data.results).toEqual([{ name: 'Platform (4)', value: '4' }]);
	});
});

describe('Approval template picker and form mapper', () => {
	const approvalRequest = (methodName: string, path: string, processCode = '') => ({
		path,
		nodeTypeAndVersion: { name: `${PACKAGE_PREFIX}.dingTalk`, version: 1 },
		currentNodeParameters: {
			authentication: 'streamApi',
			resource: 'approval',
			operation: 'create',
			processCode,
		},
		methodName,
		credentials: { dingTalkStreamApi: { id: 'edStreamGood0001', name: 'Stream good' } },
	});

	it("Process Code lists the app's visible templates; Form Values shows the chosen template's fields by label, typed", async () => {
		fake.reset();
		const templates = await server.rest<Array<{ name: string; value: string }>>(
			'POST',
			'/dynamic-node-parameters/options',
			approvalRequest('getApprovalTemplates', 'parameters.processCode'),
		);
		expect(templates.status).toBe(200);
		expect(templates.data.map((t) => t.value)).toEqual(['PROC-EXPENSE-0001', 'PROC-LEAVE-0001']);
		expect(templates.data[0].name).toBe('Expense claim 报销 (PROC-EXPENSE-0001)');

		const mapper = await server.rest<{
			fields: Array<{ id: string; type: string; required: boolean; options?: unknown[] }>;
		}>(
			'POST',
			'/dynamic-node-parameters/resource-mapper-fields',
			approvalRequest('getApprovalFormFields', 'parameters.formValues', 'PROC-EXPENSE-0001'),
		);
		expect(mapper.status).toBe(200);
		expect(mapper.data.fields.map((f) => [f.id, f.type, f.required])).toEqual([
			['Reason', 'string', true],
			['Amount', 'number', true],
			['Type', 'options', false],
			['Date', 'dateTime', false],
			['Notes', 'string', false],
		]);
		expect(mapper.data.fields[2].options).toEqual([
			{ name: 'Travel', value: 'Travel' },
			{ name: 'Meals', value: 'Meals' },
			{ name: 'Equipment', value: 'Equipment' },
		]);
		expect(fake.requestsTo('/v1.0/workflow/forms/schemas/processCodes')[0].query).toEqual({
			processCode: 'PROC-EXPENSE-0001',
		});
	});
});
