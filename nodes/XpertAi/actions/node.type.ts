import type { Operation } from '../../shared/router';
import type { XpertClient } from '../transport/xpertApi';

/** One operation: its own fields and how it runs for one input item. */
export type XpertOperation = Operation<XpertClient>;

export type XpertResource = 'expert' | 'thread';
