import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { DEFAULT_API_BASE_URL, DEFAULT_LEGACY_API_BASE_URL, type DingTalkAppConfig } from './types';
import { withoutTrailingSlashes } from '../../shared/url';

/** Credential type names, shared by the nodes' `credentials` lists and the credential classes. */
export const STREAM_CREDENTIAL = 'dingTalkStreamApi';
export const HTTP_CREDENTIAL = 'dingTalkHttpApi';

/**
 * Reads either credential type into the client's config, and refuses values that cannot work with a message
 * that says which field to fix (DingTalk's own answer to these is far less clear).
 */
export function appConfigFromCredentials(
	credentials: ICredentialDataDecryptedObject,
): DingTalkAppConfig {
	const clientId = text(credentials.clientId);
	const clientSecret = text(credentials.clientSecret);
	if (!clientId) throw new Error('The DingTalk credential has no Client ID (AppKey).');
	if (!clientSecret) throw new Error('The DingTalk credential has no Client Secret.');
	const robotCode = text(credentials.robotCode) || clientId;
	if (robotCode.toLowerCase() === 'normal') {
		throw new Error(
			'Robot Code is "normal", which is the robot\'s message mode, not its code. Copy RobotCode from DingTalk Developer Console → your app → Robot (机器人), or leave it empty to use the Client ID.',
		);
	}
	return {
		clientId,
		clientSecret,
		robotCode,
		language: credentials.language === 'zh-CN' ? 'zh-CN' : 'en',
		apiBaseUrl: baseUrl(credentials.apiBaseUrl, DEFAULT_API_BASE_URL, 'API Base URL'),
		legacyApiBaseUrl: baseUrl(
			credentials.legacyApiBaseUrl,
			DEFAULT_LEGACY_API_BASE_URL,
			'Legacy API Base URL',
		),
		...cardUpdateRate(credentials.cardUpdateRate),
	};
}

/** Absent or empty: DingTalk's default (the budget's own). */
function cardUpdateRate(value: unknown): { cardUpdateRate?: number } {
	if (value === undefined || value === null || value === '') return {};
	const rate = Number(value);
	if (!Number.isFinite(rate) || rate <= 0)
		throw new Error(
			`Card Update Rate (Per Second) in the DingTalk credential must be a number above 0 (got "${text(value)}").`,
		);
	return { cardUpdateRate: rate };
}

function text(value: unknown): string {
	return typeof value === 'string'
		? value.trim()
		: value === undefined || value === null
			? ''
			: String(value);
}

function baseUrl(value: unknown, fallback: string, field: string): string {
	const url = text(value) || fallback;
	if (!/^https?:\/\/[^/\s]+/i.test(url)) {
		throw new Error(`${field} in the DingTalk credential must start with https:// (got "${url}").`);
	}
	return withoutTrailingSlashes(url);
}
