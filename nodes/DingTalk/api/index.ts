/**
 * Every DingTalk endpoint the nodes call, one thin typed function each, over the DingTalkClient (transport/ owns
 * HTTP, tokens, retries and errors). By area:
 *
 * robot.ts      POST /v1.0/robot/oToMessages/batchSend, /v1.0/robot/groupMessages/send,
 *               /v1.0/robot/otoMessages/batchRecall, /v1.0/robot/groupMessages/recall,
 *               /v1.0/robot/emotion/reply, /v1.0/robot/emotion/recall; POST <sessionWebhook>
 * cards.ts      POST /v1.0/card/instances/createAndDeliver, PUT /v1.0/card/instances, PUT /v1.0/card/streaming;
 *               the card callback's answer (sent in the callback's ACK)
 * directory.ts  POST /topapi/v2/department/listsub, /topapi/user/listsimple, /topapi/v2/user/list, /topapi/v2/user/get
 * media.ts      POST /v1.0/robot/messageFiles/download; POST /media/upload (legacy, multipart, streamed)
 * gateway.ts    POST /v1.0/gateway/connections/open (Stream mode; the app's secret, not a token)
 * approval.ts   POST/GET /v1.0/workflow/processInstances, POST …/processInstances/execute, …/comments, …/terminate,
 *               POST /v1.0/workflow/processes/instanceIds/query, GET /v1.0/workflow/forms/schemas/processCodes,
 *               GET /v1.0/workflow/processes/userVisibilities/templates
 * todo.ts       POST /v1.0/todo/users/{unionId}/tasks, PUT and DELETE …/tasks/{taskId},
 *               POST /v1.0/todo/users/{unionId}/org/tasks/query
 *
 * The access token (POST /v1.0/oauth2/accessToken, or GET /gettoken) is the client's own business.
 */
export * as approval from './approval';
export * as cards from './cards';
export * as directory from './directory';
export * as gateway from './gateway';
export * as media from './media';
export * as robot from './robot';
export * as todo from './todo';
