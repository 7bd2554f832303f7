import { addReaction } from '../../api/robot';
import { reactionOperation } from './reaction';

export const { description, execute } = reactionOperation('addReaction', addReaction);
