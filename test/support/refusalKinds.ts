import { readFileSync } from 'fs';
import { join } from 'path';

import type { BadCallbackCase } from '../fake-dingtalk';

// Under mutation testing (StrykerJS) the tests run in a sandbox whose sources are instrumented: read the originals.
const projectRoot = join(__dirname, '../..').replace(/[\\/]\.stryker-tmp[\\/][^\\/]+$/, '');
const source = (path: string) => readFileSync(join(projectRoot, 'nodes/DingTalk', path), 'utf8');

/**
 * Every refusal the HTTP callback code can answer, read from its source so a new one cannot be added without a bad
 * callback case: `<status> <reason>` for each `reject(…)` of the verifier, and `400 cannot decrypt: <detail>` for each
 * decryption failure (the verifier's own details and the crypto module's errors; a bad AES key in the credential is
 * not a callback's fault and is reported at activation instead).
 */
export function refusalKindsInCode(): string[] {
	const verifier = source('http/HttpCallbackVerifier.ts');
	const crypto = source('crypto/CallbackCrypto.ts');
	const kinds = [...verifier.matchAll(/\breject\(\s*(\d{3}),\s*'([^']+)'/g)].map(
		([, status, reason]) => `${status} ${reason}`,
	);
	const decryptCalls = [...verifier.matchAll(/\bcannotDecrypt\(([^;]*?)\);/gs)].map(
		([, args]) => args,
	);
	for (const args of decryptCalls)
		for (const [, detail] of args.matchAll(/'([^']+)'/g))
			kinds.push(`400 cannot decrypt: ${detail}`);
	for (const [, code, message] of crypto.matchAll(
		/new CallbackCryptoError\(\s*'(\w+)',\s*'([^']+)'/g,
	))
		if (code !== 'invalidAesKey') kinds.push(`400 cannot decrypt: ${message}`);
	return [...new Set(kinds)].sort();
}

/**
 * Refusals no bad callback case produces, and why. Anything else the code can answer must have a case.
 */
export const REFUSALS_WITHOUT_A_CASE: Record<string, string> = {
	// n8n registers the callback URL for GET and POST only and answers other methods itself.
	'405 method not allowed': 'n8n answers other methods before the trigger',
	// The cases run against a trigger whose credential has its Token and AES Key (httpCallback.test.ts tests the 503).
	'503 encrypted callbacks are not configured on this trigger':
		'needs a trigger without an AES key',
	// decodeCiphertext admits whole AES blocks only, and AES-CBC without padding cannot fail on those: unreachable.
	'400 cannot decrypt: AES decryption failed': 'unreachable after decodeCiphertext',
};

/** The refusal kinds a case stands for: same status, and its reason within the kind's reason (or detail). */
export function kindsCoveredBy(cases: BadCallbackCase[], kinds: string[]): Set<string> {
	const covered = new Set<string>();
	for (const kind of kinds) {
		const status = Number(kind.slice(0, 3));
		const text = kind.slice(4).toLowerCase();
		if (
			cases.some(
				(c) =>
					c.status === status &&
					c.reason !== '' &&
					// A decryption case's reason is the detail n8n's log gives; any other case's is the answer's reason.
					Boolean(c.decryption) === text.startsWith('cannot decrypt: ') &&
					text.includes(c.reason.toLowerCase()),
			)
		)
			covered.add(kind);
	}
	return covered;
}

/** The code's refusal kinds that no case produces (to compare with REFUSALS_WITHOUT_A_CASE). */
export function refusalKindsWithoutACase(cases: BadCallbackCase[]): string[] {
	const kinds = refusalKindsInCode();
	const covered = kindsCoveredBy(cases, kinds);
	return kinds.filter((kind) => !covered.has(kind));
}
