import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { updateCard } from '../../api/cards';
import { cardDataFields, cardUpdateOptions } from '../../descriptions/cardData.description';
import { readCardParamMap } from '../../helpers/cardData';
import { sendPaced } from '../../helpers/cardStreaming';
import type { DingTalkClient } from '../../transport';

import { requiredString } from '../../../shared/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Out Track ID',
		name: 'outTrackId',
		type: 'string',
		default: '',
		required: true,
		description: 'The ID of the card to update, as returned by Card → Send',
	},
	...cardDataFields,
	cardUpdateOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['card'], operation: ['update'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	const outTrackId = requiredString(this, 'outTrackId', i, 'Out Track ID');
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const cardParamMap = readCardParamMap.call(this, i);
	await sendPaced(
		client,
		async () =>
			await updateCard(client, outTrackId, cardParamMap, !options.replaceAll, { paced: true }),
	);
	return { outTrackId, updated: true, variables: cardParamMap };
}
