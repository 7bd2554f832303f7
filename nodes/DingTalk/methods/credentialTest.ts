import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { describeAesKeyProblem } from '../crypto/aesKey';
import { probeStreamGateway } from '../stream/probe';
import {
	AccessTokenCache,
	appConfigFromCredentials,
	DingTalkApiError,
	DingTalkClient,
	type DingTalkAppConfig,
	n8nLegacyRequestSender,
} from '../transport';
import { HTTP_CREDENTIAL } from '../transport/credentials';

/** One check of a credential: resolves with a line for the success message, or throws what to fix. */
type CredentialCheck = (
	context: ICredentialTestFunctions,
	app: DingTalkAppConfig,
	data: ICredentialsDecrypted['data'],
) => Promise<string>;

/** The client a credential test uses: a fresh token (not a cached one), one retry only, to stay quick. */
function testClient(context: ICredentialTestFunctions, app: DingTalkAppConfig): DingTalkClient {
	return new DingTalkClient(app, n8nLegacyRequestSender(context.helpers), {
		retry: { maxRetries: 1, baseDelayMs: 500, maxDelayMs: 1000 },
		timeoutMs: 10_000,
		tokenCache: new AccessTokenCache(),
	});
}

const tokenCheck: CredentialCheck = async (context, app) => {
	await testClient(context, app).fetchAccessToken();
	return `access token issued for app ${app.clientId}`;
};

const streamGatewayCheck: CredentialCheck = async (context, app) => {
	const outcome = await probeStreamGateway(testClient(context, app)).then(
		({ topics }) => ({ topics }),
		(error: Error) => ({
			reason:
				error instanceof DingTalkApiError
					? [error.message, error.hint].filter(Boolean).join('. ')
					: error.message,
		}),
	);
	if ('reason' in outcome)
		throw new Error(`mode long_connection, connected no, last error: ${outcome.reason}`);
	return `mode long_connection, connected yes, topics ${outcome.topics.join(', ')}`;
};

const callbackSettingsCheck: CredentialCheck = async (_context, _app, data) => {
	if (!String(data?.callbackToken ?? '').trim())
		throw new Error(
			'Callback Token is empty. Copy Token from Developer Console → your app → Event Subscription.',
		);
	const problem = describeAesKeyProblem(data?.callbackAesKey as string | undefined);
	if (problem) throw new Error(problem);
	return 'Callback Token set, Callback AES Key valid';
};

/** Checks per credential type, in order; the first failure is the answer. */
export const credentialChecks: Record<string, CredentialCheck[]> = {
	dingTalkStreamApi: [tokenCheck, streamGatewayCheck],
	[HTTP_CREDENTIAL]: [callbackSettingsCheck, tokenCheck],
};

export async function dingTalkApiCredentialTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const app = appConfigFromCredentials(credential.data ?? {});
		const lines: string[] = [];
		for (const check of credentialChecks[credential.type] ?? [tokenCheck])
			lines.push(await check(this, app, credential.data));
		return { status: 'OK', message: `Connection successful: ${lines.join('; ')}` };
	} catch (error) {
		if (error instanceof DingTalkApiError) {
			return { status: 'Error', message: [error.message, error.hint].filter(Boolean).join('. ') };
		}
		return { status: 'Error', message: (error as Error).message };
	}
}
