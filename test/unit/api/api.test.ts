import * as api from '../../../nodes/DingTalk/api';
import {
	AccessTokenCache,
	DingTalkClient,
	type HttpRequest,
} from '../../../nodes/DingTalk/transport';

const app = {
	clientId: 'app',
	clientSecret: 'secret',
	robotCode: 'robot',
	language: 'en' as const,
	apiBaseUrl: 'https://api.test',
	legacyApiBaseUrl: 'https://oapi.test',
};

/** A client whose sender records each request and answers 200 with `answer` (a token for the token call). */
function recordingClient(answer: unknown = {}) {
	const sent: HttpRequest[] = [];
	const client = new DingTalkClient(
		app,
		async (request) => {
			if (request.url.endsWith('/v1.0/oauth2/accessToken'))
				return { status: 200, headers: {}, body: { accessToken: 't', expireIn: 7200 } };
			sent.push(request);
			return { status: 200, headers: {}, body: answer };
		},
		{ tokenCache: new AccessTokenCache() },
	);
	/** What went over the wire: method, URL and the body as JSON text (key order is part of the bytes). */
	const wire = () => sent.map((r) => `${r.method} ${r.url} ${JSON.stringify(r.body)}`);
	return { client, wire };
}

const template = { msgKey: 'sampleText', msgParam: '{"content":"hi"}' };

describe('api/: the requests each endpoint function sends', () => {
	it.each<[string, (client: DingTalkClient) => Promise<unknown>, string]>([
		[
			'robot.sendToUsers',
			async (c) => await api.robot.sendToUsers(c, ['u1', 'u2'], template),
			'POST https://api.test/v1.0/robot/oToMessages/batchSend {"robotCode":"robot","userIds":["u1","u2"],"msgKey":"sampleText","msgParam":"{\\"content\\":\\"hi\\"}"}',
		],
		[
			'robot.sendToGroup',
			async (c) => await api.robot.sendToGroup(c, 'cid1', template),
			'POST https://api.test/v1.0/robot/groupMessages/send {"robotCode":"robot","openConversationId":"cid1","msgKey":"sampleText","msgParam":"{\\"content\\":\\"hi\\"}"}',
		],
		[
			'robot.recallUserMessages',
			async (c) => await api.robot.recallUserMessages(c, ['k1']),
			'POST https://api.test/v1.0/robot/otoMessages/batchRecall {"robotCode":"robot","processQueryKeys":["k1"]}',
		],
		[
			'robot.recallGroupMessages',
			async (c) => await api.robot.recallGroupMessages(c, 'cid1', ['k1']),
			'POST https://api.test/v1.0/robot/groupMessages/recall {"robotCode":"robot","openConversationId":"cid1","processQueryKeys":["k1"]}',
		],
		[
			'robot.addReaction',
			async (c) =>
				await api.robot.addReaction(
					c,
					{ openMsgId: 'msg1', openConversationId: 'cid1' },
					api.robot.textEmotion('🤔Thinking'),
				),
			'POST https://api.test/v1.0/robot/emotion/reply {"robotCode":"robot","openMsgId":"msg1","openConversationId":"cid1","emotionType":2,"emotionName":"🤔Thinking","textEmotion":{"emotionId":"2659900","emotionName":"🤔Thinking","text":"🤔Thinking","backgroundId":"im_bg_1"}}',
		],
		[
			'robot.removeReaction',
			async (c) =>
				await api.robot.removeReaction(
					c,
					{ openMsgId: 'msg1', openConversationId: 'cid1' },
					api.robot.textEmotion('OK', 'e1', 'bg2'),
				),
			'POST https://api.test/v1.0/robot/emotion/recall {"robotCode":"robot","openMsgId":"msg1","openConversationId":"cid1","emotionType":2,"emotionName":"OK","textEmotion":{"emotionId":"e1","emotionName":"OK","text":"OK","backgroundId":"bg2"}}',
		],
		[
			'robot.replyBySessionWebhook',
			async (c) =>
				await api.robot.replyBySessionWebhook(
					c,
					new URL('https://oapi.test/robot/sendBySession?session=s'),
					{ msgtype: 'text', text: { content: 'hi' } },
				),
			'POST https://oapi.test/robot/sendBySession?session=s {"msgtype":"text","text":{"content":"hi"}}',
		],
		[
			'cards.createAndDeliverCard to a group, HTTP callbacks',
			async (c) =>
				await api.cards.createAndDeliverCard(c, {
					cardTemplateId: 'tpl',
					outTrackId: 'o1',
					cardParamMap: { a: '1' },
					callbackType: 'HTTP',
					callbackRouteKey: 'route',
					space: {
						type: 'group',
						openConversationId: 'cid1',
						supportForward: false,
						mentionUserIds: ['u1'],
						mentionAll: true,
					},
				}),
			'POST https://api.test/v1.0/card/instances/createAndDeliver {"cardTemplateId":"tpl","outTrackId":"o1","cardData":{"cardParamMap":{"a":"1"}},"userIdType":1,"callbackType":"HTTP","callbackRouteKey":"route","openSpaceId":"dtv1.card//IM_GROUP.cid1","imGroupOpenSpaceModel":{"supportForward":false},"imGroupOpenDeliverModel":{"robotCode":"robot","atUserIds":{"u1":"u1","@ALL":"@ALL"}}}',
		],
		[
			'cards.createAndDeliverCard to a user, no callbacks',
			async (c) =>
				await api.cards.createAndDeliverCard(c, {
					cardTemplateId: 'tpl',
					outTrackId: 'o1',
					cardParamMap: {},
					callbackType: 'none',
					callbackRouteKey: 'ignored',
					space: { type: 'user', userId: 'u1', supportForward: true },
				}),
			'POST https://api.test/v1.0/card/instances/createAndDeliver {"cardTemplateId":"tpl","outTrackId":"o1","cardData":{"cardParamMap":{}},"userIdType":1,"openSpaceId":"dtv1.card//IM_ROBOT.u1","imRobotOpenSpaceModel":{"supportForward":true},"imRobotOpenDeliverModel":{"spaceType":"IM_ROBOT","robotCode":"robot"}}',
		],
		[
			'cards.updateCard',
			async (c) => await api.cards.updateCard(c, 'o1', { a: '1' }, false),
			'PUT https://api.test/v1.0/card/instances {"outTrackId":"o1","cardData":{"cardParamMap":{"a":"1"}},"cardUpdateOptions":{"updateCardDataByKey":false,"updatePrivateDataByKey":true},"userIdType":1}',
		],
		[
			'cards.streamCard',
			async (c) =>
				await api.cards.streamCard(c, {
					outTrackId: 'o1',
					key: 'content',
					content: 'x',
					isFull: true,
					isFinalize: false,
					isError: false,
					guid: 'g',
				}),
			'PUT https://api.test/v1.0/card/streaming {"outTrackId":"o1","key":"content","content":"x","isFull":true,"isFinalize":false,"isError":false,"guid":"g"}',
		],
		[
			'directory.listSubDepartments',
			async (c) => await api.directory.listSubDepartments(c, 1),
			'POST https://oapi.test/topapi/v2/department/listsub {"dept_id":1,"language":"en_US"}',
		],
		[
			'directory.listDepartmentUsersPage (full)',
			async (c) => await api.directory.listDepartmentUsersPage(c, 2, 0, 'full'),
			'POST https://oapi.test/topapi/v2/user/list {"dept_id":2,"cursor":0,"size":100,"language":"en_US"}',
		],
		[
			'directory.getUser',
			async (c) => await api.directory.getUser(c, 'u1'),
			'POST https://oapi.test/topapi/v2/user/get {"userid":"u1","language":"en_US"}',
		],
		[
			'todo.createTodo',
			async (c) =>
				await api.todo.createTodo(c, 'un1', {
					subject: 'S',
					creatorId: 'un1',
					detailUrl: { appUrl: 'https://a', pcUrl: 'https://a' },
				}),
			'POST https://api.test/v1.0/todo/users/un1/tasks {"subject":"S","creatorId":"un1","detailUrl":{"appUrl":"https://a","pcUrl":"https://a"}}',
		],
		[
			'todo.updateTodo',
			async (c) => await api.todo.updateTodo(c, 'un1', 't/1', { done: true }),
			'PUT https://api.test/v1.0/todo/users/un1/tasks/t%2F1 {"done":true}',
		],
		[
			'todo.deleteTodo',
			async (c) => await api.todo.deleteTodo(c, 'un1', 't1'),
			'DELETE https://api.test/v1.0/todo/users/un1/tasks/t1 undefined',
		],
		[
			'todo.queryTodosPage',
			async (c) => await api.todo.queryTodosPage(c, 'un1', { isDone: false, nextToken: 'n2' }),
			'POST https://api.test/v1.0/todo/users/un1/org/tasks/query {"isDone":false,"nextToken":"n2"}',
		],
		[
			'media.messageFileDownloadUrl',
			async (c) => await api.media.messageFileDownloadUrl(c, 'dl1'),
			'POST https://api.test/v1.0/robot/messageFiles/download {"downloadCode":"dl1","robotCode":"robot"}',
		],
		[
			"gateway.openStreamConnection (no token: the app's secret is in the body)",
			async (c) =>
				await api.gateway.openStreamConnection(
					c,
					[{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }],
					'ua',
				),
			'POST https://api.test/v1.0/gateway/connections/open {"clientId":"app","clientSecret":"secret","subscriptions":[{"type":"CALLBACK","topic":"/v1.0/im/bot/messages/get"}],"ua":"ua"}',
		],
	])('%s', async (_name, call, expected) => {
		const { client, wire } = recordingClient({ endpoint: 'wss://gw', ticket: 't' });
		await call(client);
		expect(wire()).toEqual([expected]);
	});

	it('gateway.openStreamConnection refuses an answer without endpoint or ticket', async () => {
		const { client } = recordingClient({ endpoint: 'wss://gw' });
		await expect(api.gateway.openStreamConnection(client, [], 'ua')).rejects.toMatchObject({
			code: 'INVALID_RESPONSE',
			kind: 'invalidResponse',
			endpoint: '/v1.0/gateway/connections/open',
		});
	});

	it('cards.cardCallbackAnswer is the ACK body DingTalk reads', () => {
		expect(JSON.stringify(api.cards.cardCallbackAnswer({ a: '1' }, true))).toBe(
			'{"cardData":{"cardParamMap":{"a":"1"}},"cardUpdateOptions":{"updateCardDataByKey":true}}',
		);
	});
});
