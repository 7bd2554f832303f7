import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { cardDataFields, cardUpdateOptions } from '../../descriptions/cardData.description';
import { readCardParamMap } from '../../helpers/cardData';
import type { DingTalkClient } from '../../transport';

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

export const description = updateDisplayOptions({ show: { resource: ['card'], operation: ['update'] } }, properties);

export async function execute(this: IExecuteFunctions, client: DingTalkClient, i: number): Promise<IDataObject> {
	const outTrackId = String(this.getNodeParameter('outTrackId', i, '')).trim();
	if (!outTrackId) throw new NodeOperationError(this.getNode(), '"Out Track ID" is empty', { itemIndex: i });
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const cardParamMap = readCardParamMap.call(this, i);
	await client.api('PUT', '/v1.0/card/instances', {
		outTrackId,
		cardData: { cardParamMap },
		cardUpdateOptions: { updateCardDataByKey: !options.replaceAll, updatePrivateDataByKey: true },
		userIdType: 1,
	});
	return { outTrackId, updated: true, variables: cardParamMap };
}
