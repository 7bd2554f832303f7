import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../../shared/router';
import * as ask from './expert/ask.operation';
import * as askStreaming from './expert/askStreaming.operation';
import * as getAll from './expert/getAll.operation';
import * as deleteThread from './thread/delete.operation';

type Operation = (this: IExecuteFunctions, i: number) => Promise<IDataObject | IDataObject[]>;

const operations: Record<string, Record<string, Operation>> = {
	expert: { ask: ask.execute, askStreaming: askStreaming.execute, getAll: getAll.execute },
	thread: { delete: deleteThread.execute },
};

/** Runs the chosen operation once per input item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`);
	return await runPerItem(this, async (i) => await operation.call(this, i), {
		toNodeError: (_node, error, i) => asNodeError(this, error, i),
		toItem: (error) => ({ error: (error as Error).message }),
	});
}

function asNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
