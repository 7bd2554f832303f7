import { createHmac, randomBytes } from 'crypto';

/** Keys the digests of this process; never stored or sent, so a key seen in a heap dump cannot test a guessed secret. */
const processKey = randomBytes(32);

/**
 * Who a credential is, for everything this n8n process shares between workflows (access tokens, Stream connections,
 * the status of triggers): the base URL it talks to, its Client ID, and a digest of its secret(s). A Client ID is not
 * a secret (DingTalk shows it in OAuth URLs and app links), so it alone never grants a share: a credential with
 * another secret is another identity, while a copy of the credential is the same one.
 */
export function credentialIdentity(
	app: { apiBaseUrl: string; clientId: string; clientSecret: string },
	...moreSecrets: string[]
): string {
	const secretDigest = createHmac('sha256', processKey)
		.update(JSON.stringify([app.clientSecret, ...moreSecrets]))
		.digest('hex');
	// JSON, so no Client ID or URL containing a separator can be read as another split of the same text.
	return JSON.stringify([app.apiBaseUrl, app.clientId, secretDigest]);
}
