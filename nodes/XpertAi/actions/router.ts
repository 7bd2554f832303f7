import { createRouter } from '../../shared/router';
import { toNodeError } from '../../shared/dingTalk';
import { type XpertClient, xpertClientFor } from '../transport/xpertApi';
import * as expert from './expert';
import type { XpertOperation, XpertResource } from './node.type';
import * as thread from './thread';

const resources: Record<XpertResource, Record<string, XpertOperation>> = {
	expert: expert.operations,
	thread: thread.operations,
};

/**
 * Runs the chosen operation once per input item. Xpert's failures arrive as node errors already (xpertError);
 * DingTalk's (Ask (Streaming)'s card) get DingTalk's code and hint.
 */
export const router = createRouter<XpertClient>({
	resources,
	clientFor: async (context) => xpertClientFor(context),
	toNodeError,
	toItem: (error) => ({ error: (error as Error).message }),
});
