import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../../shared/router';
import { clientFor, DingTalkApiError, toNodeError } from '../transport';
import * as card from './card';
import * as connection from './connection';
import * as department from './department';
import * as message from './message';
import type { DingTalkOperation, DingTalkResource } from './node.type';
import * as user from './user';

const resources: Record<DingTalkResource, Record<string, DingTalkOperation>> = {
	message: message.operations,
	card: card.operations,
	connection: connection.operations,
	user: user.operations,
	department: department.operations,
};

/** Runs the chosen operation once per input item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as DingTalkResource;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`);
	}
	const client = await clientFor(this);
	return await runPerItem(this, async (i) => await operation.execute.call(this, client, i), {
		toNodeError: (error, i) => toNodeError(this.getNode(), error, i),
		toItem: errorItem,
	});
}

function errorItem(error: unknown): IDataObject {
	if (error instanceof DingTalkApiError) return { error: error.message, ...error.toJSON() };
	return { error: (error as Error).message };
}
