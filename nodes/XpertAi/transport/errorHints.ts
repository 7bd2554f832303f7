/** What kind of failure an Xpert AI call is: decides the message and the hint shown to the user. */
export type XpertErrorKind =
	| 'auth'
	| 'expertNotFound'
	| 'notFound'
	| 'timeout'
	| 'network'
	| 'rateLimit'
	| 'server'
	| 'badRequest'
	| 'unknown';

/** A failed call as the rows see it. */
export interface XpertFailure {
	/** The HTTP status, 0 when no answer came. */
	status: number;
	/** The network error code (ECONNREFUSED…), if any. */
	code?: string;
	/** The error's own text (may come from the server: never trusted, masked before it is shown). */
	text?: string;
	path: string;
	timeoutMs: number;
}

interface ErrorRow {
	kind: XpertErrorKind;
	match(failure: XpertFailure): boolean;
	/** Absent: the generic "Xpert AI error <status>: <text>". */
	message?: string | ((failure: XpertFailure) => string);
	/** What the user should do (the error's description). Absent: n8n shows the server's own text. */
	hint?: string;
}

const TIMEOUT_CODES = ['ECONNABORTED', 'ETIMEDOUT'];
const UNREACHABLE_CODES = ['ECONNREFUSED', 'ENOTFOUND'];

/**
 * Xpert AI's failures, first matching row wins: a status beats a network code, and a 500 whose text says "timeout"
 * is a timeout. Adding a hint for a new kind of failure: a row here, above the rows it would otherwise fall into.
 */
export const ERROR_ROWS: readonly ErrorRow[] = [
	{
		kind: 'auth',
		match: ({ status }) => status === 401 || status === 403,
		message: 'Xpert AI refused the API key',
		hint: 'Check API Key (and Organization ID, for experts published in an organisation) in the Xpert AI credential.',
	},
	{
		kind: 'expertNotFound',
		match: ({ status, path }) => status === 404 && /assistants|runs/.test(path),
		message: 'Digital Expert not found',
		hint: 'The expert ID is wrong, the expert is not published, or this API key cannot see it. Pick it from the list.',
	},
	{
		kind: 'notFound',
		match: ({ status }) => status === 404,
		message: 'Not found on the Xpert AI server',
		hint: 'Check the Base URL in the credential: it must end with /api/ai.',
	},
	{
		kind: 'timeout',
		match: ({ code, text }) => TIMEOUT_CODES.includes(code ?? '') || /timeout/i.test(text ?? ''),
		message: ({ timeoutMs }) => `Xpert AI did not answer within ${Math.round(timeoutMs / 1000)} s`,
		hint: 'Raise "Timeout" in the node\'s options, or check that the Xpert AI server is reachable.',
	},
	{
		kind: 'network',
		match: ({ code }) => UNREACHABLE_CODES.includes(code ?? ''),
		message: 'Cannot reach the Xpert AI server',
		hint: 'Check the Base URL in the Xpert AI credential.',
	},
	// The server's own text says what went wrong: no hint of ours.
	{ kind: 'rateLimit', match: ({ status }) => status === 429 },
	{ kind: 'server', match: ({ status }) => status >= 500 },
	{ kind: 'badRequest', match: ({ status }) => status >= 400 },
	{ kind: 'unknown', match: () => true },
];

/** The kind of a failure, the message n8n shows for it and the hint. */
export function describeXpertFailure(failure: XpertFailure): {
	kind: XpertErrorKind;
	message: string;
	hint?: string;
} {
	const row = ERROR_ROWS.find((candidate) => candidate.match(failure)) as ErrorRow;
	const message =
		typeof row.message === 'function'
			? row.message(failure)
			: (row.message ??
				`Xpert AI error${failure.status ? ` ${failure.status}` : ''}: ${failure.text ?? 'unknown'}`);
	return { kind: row.kind, message, hint: row.hint };
}
