import type { INode } from 'n8n-workflow';

import {
	describeXpertFailure,
	ERROR_ROWS,
	type XpertErrorKind,
	type XpertFailure,
} from '../../nodes/XpertAi/transport/errorHints';
import { xpertError } from '../../nodes/XpertAi/transport/xpertApi';

const node: INode = {
	id: 'x',
	name: 'Xpert AI',
	type: 'xpertAi',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const AUTH =
	'Check API Key (and Organization ID, for experts published in an organisation) in the Xpert AI credential.';
const EXPERT =
	'The expert ID is wrong, the expert is not published, or this API key cannot see it. Pick it from the list.';
const BASE_URL = 'Check the Base URL in the credential: it must end with /api/ai.';
const TIMEOUT =
	'Raise "Timeout" in the node\'s options, or check that the Xpert AI server is reachable.';
const UNREACHABLE = 'Check the Base URL in the Xpert AI credential.';

const status = (code: number, message = `Request failed with status code ${code}`) => ({
	message,
	response: { status: code },
});

/** [case, failure, request path, timeout, message shown, description shown, HTTP code] — what n8n shows for each. */
const CASES: Array<
	[string, unknown, string, number | undefined, string, string | undefined, string | undefined]
> = [
	[
		'401',
		status(401),
		'/assistants/search',
		undefined,
		'Xpert AI refused the API key',
		AUTH,
		'401',
	],
	[
		'403 as httpCode',
		{ message: 'Forbidden', httpCode: '403' },
		'/threads',
		undefined,
		'Xpert AI refused the API key',
		AUTH,
		'403',
	],
	[
		'404 of an expert',
		status(404),
		'/assistants/search',
		undefined,
		'Digital Expert not found',
		EXPERT,
		'404',
	],
	[
		'404 of a run',
		status(404),
		'/threads/t/runs/wait',
		undefined,
		'Digital Expert not found',
		EXPERT,
		'404',
	],
	[
		'404 elsewhere',
		status(404),
		'/threads/t',
		undefined,
		'Not found on the Xpert AI server',
		BASE_URL,
		'404',
	],
	[
		'ECONNABORTED',
		{ code: 'ECONNABORTED', message: 'aborted' },
		'/threads/t/runs/wait',
		30_000,
		'Xpert AI did not answer within 30 s',
		TIMEOUT,
		undefined,
	],
	[
		'ETIMEDOUT as cause',
		{ message: 'socket hang', cause: { code: 'ETIMEDOUT' } },
		'/threads',
		undefined,
		'Xpert AI did not answer within 60 s',
		TIMEOUT,
		undefined,
	],
	[
		'"timeout" in the text',
		{ message: 'timeout of 1500ms exceeded' },
		'/threads',
		1_500,
		'Xpert AI did not answer within 2 s',
		TIMEOUT,
		undefined,
	],
	[
		'a 500 that says timeout',
		status(500, 'gateway Timeout'),
		'/threads',
		5_000,
		'Xpert AI did not answer within 5 s',
		TIMEOUT,
		'500',
	],
	[
		'ECONNREFUSED',
		{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
		'/assistants/search',
		undefined,
		'Cannot reach the Xpert AI server',
		UNREACHABLE,
		undefined,
	],
	[
		'ENOTFOUND as cause',
		{ message: 'getaddrinfo', cause: { code: 'ENOTFOUND' } },
		'/threads',
		undefined,
		'Cannot reach the Xpert AI server',
		UNREACHABLE,
		undefined,
	],
	// No hint of ours: n8n shows the server's own text as the description.
	[
		'429',
		status(429, 'Too many'),
		'/threads',
		undefined,
		'Xpert AI error 429: Too many',
		'Too many',
		'429',
	],
	['500', status(500, 'boom'), '/threads', undefined, 'Xpert AI error 500: boom', 'boom', '500'],
	[
		'400',
		status(400, 'bad input'),
		'/threads/t/runs/wait',
		undefined,
		'Xpert AI error 400: bad input',
		'bad input',
		'400',
	],
	[
		'no status, no text',
		{},
		'/threads',
		undefined,
		'Xpert AI error: unknown',
		undefined,
		undefined,
	],
	[
		'a plain Error',
		new Error('socket closed'),
		'/threads',
		undefined,
		'Xpert AI error: socket closed',
		'socket closed',
		undefined,
	],
];

describe('Xpert AI failures: one message and one hint per kind', () => {
	it.each(CASES)('%s', (_name, failure, path, timeoutMs, message, description, httpCode) => {
		const error = xpertError(node, failure, { path, timeoutMs }, []);
		expect(error.message).toBe(message);
		expect(error.description ?? undefined).toBe(description);
		expect(error.httpCode ?? undefined).toBe(httpCode);
	});

	it("masks the credential's secrets in the message and in the cause, raw and URL-encoded", () => {
		const secret = 'key/with+chars';
		const failure = status(500, `echo ${secret} ${encodeURIComponent(secret)}`);
		const error = xpertError(node, failure, { path: '/threads' }, [secret, '', 'abc']);
		expect(error.message).toBe('Xpert AI error 500: echo *** ***');
		expect(error.description).toBe('echo *** ***');
		expect((error as unknown as { errorResponse: unknown }).errorResponse).toEqual({
			message: 'echo *** ***',
			httpCode: '500',
		});
	});
});

describe('Xpert AI failure kinds (transport/errorHints.ts)', () => {
	const failure = (fields: Partial<XpertFailure>): XpertFailure => ({
		status: 0,
		path: '/threads',
		timeoutMs: 60_000,
		...fields,
	});
	const KINDS: Array<[XpertErrorKind, Partial<XpertFailure>]> = [
		['auth', { status: 403 }],
		['expertNotFound', { status: 404, path: '/assistants/search' }],
		['notFound', { status: 404, path: '/threads/t' }],
		['timeout', { status: 502, text: 'upstream timeout' }],
		['timeout', { code: 'ETIMEDOUT' }],
		['network', { code: 'ENOTFOUND' }],
		['rateLimit', { status: 429, text: 'slow down' }],
		['server', { status: 503 }],
		['badRequest', { status: 422 }],
		['unknown', { text: 'socket closed' }],
	];

	it.each(KINDS)('%s: %j', (kind, fields) => {
		expect(describeXpertFailure(failure(fields)).kind).toBe(kind);
	});

	it('has one row per kind, every row reachable, and a last row that takes anything', () => {
		const kinds = ERROR_ROWS.map((row) => row.kind);
		expect(new Set(kinds).size).toBe(kinds.length);
		expect(new Set(KINDS.map(([kind]) => kind))).toEqual(new Set(kinds));
		expect(ERROR_ROWS[ERROR_ROWS.length - 1].match(failure({}))).toBe(true);
	});
});
