import { removeReaction } from '../../api/robot';
import { reactionOperation } from './reaction';

export const { description, execute } = reactionOperation('removeReaction', removeReaction);
