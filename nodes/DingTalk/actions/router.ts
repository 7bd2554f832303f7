import type { IDataObject } from 'n8n-workflow';

import { createRouter } from '../../shared/router';
import { clientFor, type DingTalkClient, DingTalkApiError, toNodeError } from '../transport';
import * as approval from './approval';
import * as card from './card';
import * as connection from './connection';
import * as department from './department';
import * as media from './media';
import * as message from './message';
import type { DingTalkOperation, DingTalkResource } from './node.type';
import * as todo from './todo';
import * as user from './user';

const resources: Record<DingTalkResource, Record<string, DingTalkOperation>> = {
	message: message.operations,
	card: card.operations,
	connection: connection.operations,
	user: user.operations,
	department: department.operations,
	media: media.operations,
	approval: approval.operations,
	todo: todo.operations,
};

/** Runs the chosen operation once per input item, with a client for the node's credential. */
export const router = createRouter<DingTalkClient>({
	resources,
	clientFor: async (context) => await clientFor(context),
	toNodeError,
	toItem: errorItem,
});

function errorItem(error: unknown): IDataObject {
	if (error instanceof DingTalkApiError) return { error: error.message, ...error.toJSON() };
	return { error: (error as Error).message };
}
