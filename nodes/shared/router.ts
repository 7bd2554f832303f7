import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** One operation: its own fields and how it runs for one input item, with the client its node talks through. */
export interface Operation<Client> {
	description: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		client: Client,
		itemIndex: number,
	): Promise<IDataObject | IDataObject[]>;
}

/** A node's operations by resource, then by operation name (the values of its Resource and Operation fields). */
export type Resources<Client> = Record<string, Record<string, Operation<Client>>>;

export interface PerItemErrors {
	/** The error n8n shows when a failure stops the run. */
	toNodeError(node: INode, error: unknown, itemIndex: number): Error;
	/** The output item for a failure under "Continue On Fail". */
	toItem(error: unknown): IDataObject;
}

/** What a node's router needs to know: its operations, how to get its client, how its failures are shown. */
export interface RouterSpec<Client> extends PerItemErrors {
	resources: Resources<Client>;
	/** Called once per execution, before the first item. */
	clientFor(context: IExecuteFunctions): Promise<Client>;
}

/** A node's `execute`: runs the chosen operation once per input item. */
export function createRouter<Client>(spec: RouterSpec<Client>) {
	return async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operationName = this.getNodeParameter('operation', 0) as string;
		const operation = spec.resources[resource]?.[operationName];
		if (!operation) {
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${operationName}" of "${resource}" is not supported`,
			);
		}
		const client = await spec.clientFor(this);
		return await runPerItem(this, async (i) => await operation.execute.call(this, client, i), spec);
	};
}

/** Runs an operation once per input item, keeping pairedItem and honouring "Continue On Fail". */
async function runPerItem(
	context: IExecuteFunctions,
	operation: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
	errors: PerItemErrors,
): Promise<INodeExecutionData[][]> {
	const returnData: INodeExecutionData[] = [];
	const count = context.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			const result = await operation(i);
			for (const json of Array.isArray(result) ? result : [result])
				returnData.push({ json, pairedItem: { item: i } });
		} catch (error) {
			if (!context.continueOnFail()) throw errors.toNodeError(context.getNode(), error, i);
			const json = errors.toItem(error);
			returnData.push({
				json: context.getNode().onError === 'continueErrorOutput' ? forErrorOutput(json) : json,
				pairedItem: { item: i },
			});
		}
	}
	return [returnData];
}

/**
 * n8n sends an item down the error output ("Continue (using error output)") only when its JSON holds nothing but
 * `error`, `message` and `details`: the rest of the failure's fields go under `details`.
 */
function forErrorOutput({ error, message, ...rest }: IDataObject): IDataObject {
	return {
		error,
		...(message === undefined ? {} : { message }),
		...(Object.keys(rest).length ? { details: rest } : {}),
	};
}
