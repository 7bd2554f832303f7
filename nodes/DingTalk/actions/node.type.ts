import type { Operation } from '../../shared/router';
import type { DingTalkClient } from '../transport';

/** One operation: its own fields and how it runs for one input item. */
export type DingTalkOperation = Operation<DingTalkClient>;

export type DingTalkResource =
	| 'message'
	| 'card'
	| 'user'
	| 'department'
	| 'connection'
	| 'media'
	| 'approval'
	| 'todo';
