import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DingTalkClient } from '../transport';

/** One operation: its own fields and how it runs for one input item. */
export interface DingTalkOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, client: DingTalkClient, itemIndex: number): Promise<IDataObject | IDataObject[]>;
}

export type DingTalkResource = 'message' | 'card' | 'user' | 'department' | 'connection';
