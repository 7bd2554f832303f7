import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { cardCallbackAnswer } from '../../api/cards';
import { cardDataFields, cardUpdateOptions } from '../../descriptions/cardData.description';
import { readCardParamMap } from '../../helpers/cardData';
import type { DingTalkClient } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName:
			'Answers the card click that started this run (DingTalk Trigger, Card Callback event, ' +
			'Stream mode with ACK Policy "After the Run Finished"): the card changes at once, without ' +
			'another API call. The first item answers; a run has one answer.',
		name: 'answerCallbackNotice',
		type: 'notice',
		default: '',
	},
	...cardDataFields,
	cardUpdateOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['card'], operation: ['answerCallback'] } },
	properties,
);

/**
 * Hands the card update to the trigger through n8n's response mechanism (`sendResponse`, as Respond to Webhook does);
 * the DingTalk Trigger puts it into the callback's ACK, which is how DingTalk expects a card callback answered.
 */
export async function execute(
	this: IExecuteFunctions,
	_client: DingTalkClient,
	i: number,
): Promise<IDataObject> {
	if (i > 0) return { answered: false, reason: 'the first item already answered the callback' };
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const cardParamMap = readCardParamMap.call(this, i);
	const answer = cardCallbackAnswer(cardParamMap, !options.replaceAll);
	await this.sendResponse({ body: answer });
	return { answered: true, answer };
}
