import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

export interface PerItemErrors {
	/** The error n8n shows when a failure stops the run. */
	toNodeError(error: unknown, itemIndex: number): Error;
	/** The output item for a failure under "Continue On Fail". */
	toItem(error: unknown): IDataObject;
}

/** Runs an operation once per input item, keeping pairedItem and honouring "Continue On Fail" (both nodes' routers). */
export async function runPerItem(
	context: IExecuteFunctions,
	operation: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
	errors: PerItemErrors,
): Promise<INodeExecutionData[][]> {
	const returnData: INodeExecutionData[] = [];
	const count = context.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			const result = await operation(i);
			for (const json of Array.isArray(result) ? result : [result]) returnData.push({ json, pairedItem: { item: i } });
		} catch (error) {
			if (!context.continueOnFail()) throw errors.toNodeError(error, i);
			returnData.push({ json: errors.toItem(error), pairedItem: { item: i } });
		}
	}
	return [returnData];
}
