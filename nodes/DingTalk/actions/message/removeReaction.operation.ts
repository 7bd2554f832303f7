import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { removeReaction } from '../../api/robot';
import type { DingTalkClient } from '../../transport';
import { reactionFields, reactionOf, reactionOutput } from './reaction';

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['removeReaction'] } },
	reactionFields,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const { target, emotion } = reactionOf(this, i);
	const answer = await removeReaction(client, target, emotion);
	return reactionOutput(target, emotion, answer.success);
}
