/** How a failure becomes the n8n error the UI shows: message, description (hint and request ID), HTTP code, item. */
import { type INode, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DingTalkApiError, toNodeError } from '../../../nodes/DingTalk/transport';

const node: INode = {
	id: 'n',
	name: 'DingTalk',
	type: 'test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const PERMISSION_HINT =
	'The app lacks a permission for /v1.0/robot/oToMessages/batchSend. Grant qyapi_robot_sendmsg (企业内机器人发送消息权限) in DingTalk Developer Console → your app → Permissions (权限管理), then publish a new version.';

const permissionDenied = (requestId?: string) =>
	new DingTalkApiError({
		code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
		dingTalkMessage: 'no permission',
		requestId,
		httpStatus: 403,
		kind: 'permission',
		endpoint: '/v1.0/robot/oToMessages/batchSend',
	});

/** A DingTalk code no hint covers. */
const unhinted = (requestId?: string) =>
	new DingTalkApiError({
		code: 'Something.Odd',
		dingTalkMessage: 'odd request',
		requestId,
		httpStatus: 400,
		kind: 'invalidRequest',
		endpoint: '/v1.0/robot/oToMessages/batchSend',
	});

const asApiError = (error: unknown, itemIndex?: number) => {
	const shown = toNodeError(node, error, itemIndex);
	expect(shown).toBeInstanceOf(NodeApiError);
	return shown as NodeApiError;
};

describe('toNodeError: the description under a DingTalk error', () => {
	it('gives the hint, then the request ID, one space apart', () => {
		const shown = asApiError(permissionDenied('req-7f3a'));
		expect(unhinted().hint).toBeUndefined();
		expect(shown.message).toBe(
			'DingTalk error Forbidden.AccessDenied.AccessTokenPermissionDenied: no permission',
		);
		expect(shown.description).toBe(`${PERMISSION_HINT} DingTalk request ID: req-7f3a`);
	});

	it('gives the hint alone when DingTalk sent no request ID', () => {
		expect(asApiError(permissionDenied()).description).toBe(PERMISSION_HINT);
	});

	it('gives the request ID alone when no hint fits, with nothing before it', () => {
		expect(asApiError(unhinted('req-7f3a')).description).toBe('DingTalk request ID: req-7f3a');
	});

	it("lets n8n show DingTalk's own message as the description when there is neither", () => {
		expect(asApiError(unhinted()).description).toBe('odd request');
	});
});

describe('toNodeError: the HTTP code and the item', () => {
	it("gives DingTalk's HTTP status as the code, and the failed item", () => {
		const shown = asApiError(permissionDenied('req-7f3a'), 2);
		expect(shown.httpCode).toBe('403');
		expect(shown.context.itemIndex).toBe(2);
	});

	it('gives the network error code, never "undefined", when no HTTP answer came', () => {
		const refused = new DingTalkApiError({
			code: 'ECONNREFUSED',
			dingTalkMessage: 'connect ECONNREFUSED 127.0.0.1:9',
			kind: 'network',
			endpoint: '/v1.0/oauth2/accessToken',
		});
		const shown = asApiError(refused, 0);
		// n8n reads the code from the error when it is given no HTTP status.
		expect(shown.httpCode).toBe('ECONNREFUSED');
		expect(shown.description).toBe(refused.hint);
	});

	it('wraps any other failure with the item it failed on', () => {
		const shown = toNodeError(node, new Error('the sheet has no column "phone"'), 3);
		expect(shown).toBeInstanceOf(NodeOperationError);
		expect(shown.message).toBe('the sheet has no column "phone"');
		expect((shown as NodeOperationError).context.itemIndex).toBe(3);
	});

	it('hands n8n errors back as they are', () => {
		const own = new NodeOperationError(node, 'Choose a conversation first', { itemIndex: 1 });
		expect(toNodeError(node, own, 4)).toBe(own);
	});
});
