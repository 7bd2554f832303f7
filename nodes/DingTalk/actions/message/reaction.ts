import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	type EmotionResponse,
	DEFAULT_EMOTION_BACKGROUND_ID,
	DEFAULT_EMOTION_ID,
	DEFAULT_REACTION_TEXT,
	type ReactionTarget,
	type TextEmotion,
	textEmotion,
} from '../../api/robot';
import type { DingTalkClient } from '../../transport';
import type { DingTalkOperation } from '../node.type';

import { requiredString } from '../../../shared/parameters';

/**
 * The fields Add Reaction and Remove Reaction share. Their defaults read the DingTalk Trigger's item (msgId,
 * conversationId), so the node works straight after the trigger. Removing names the same text (and template) the
 * reaction was added with: DingTalk's recall takes the reaction's whole body.
 */
const reactionFields: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'openMsgId',
		type: 'string',
		default: '={{ $json.msgId }}',
		required: true,
		description: "The user's message (msgId in the DingTalk Trigger's output)",
	},
	{
		displayName: 'Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '={{ $json.conversationId }}',
		required: true,
		description:
			"The conversation the message is in (conversationId in the DingTalk Trigger's output)",
	},
	{
		displayName: 'Reaction Text',
		name: 'reactionText',
		type: 'string',
		default: DEFAULT_REACTION_TEXT,
		required: true,
		description:
			'The text the reaction shows on the message (a text emotion). To remove a reaction, use the text it was added with.',
	},
	{
		displayName: 'Options',
		name: 'reactionOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Background ID',
				name: 'backgroundId',
				type: 'string',
				default: DEFAULT_EMOTION_BACKGROUND_ID,
				description:
					"The reaction's background (DingTalk's text-emotion background ID; the default is the one DingTalk agent plugins use)",
			},
			{
				displayName: 'Emotion ID',
				name: 'emotionId',
				type: 'string',
				default: DEFAULT_EMOTION_ID,
				description:
					"DingTalk's text-emotion template ID (the default is the one DingTalk agent plugins use)",
			},
		],
	},
];

/** The message and the reaction an item names. */
function reactionOf(
	context: IExecuteFunctions,
	i: number,
): { target: ReactionTarget; emotion: TextEmotion } {
	const target = {
		openMsgId: requiredString(context, 'openMsgId', i, 'Message ID'),
		openConversationId: requiredString(context, 'openConversationId', i, 'Conversation ID'),
	};
	const text = requiredString(context, 'reactionText', i, 'Reaction Text');
	const options = context.getNodeParameter('reactionOptions', i, {}) as IDataObject;
	const option = (name: string, fallback: string) => String(options[name] ?? '').trim() || fallback;
	const emotion = textEmotion(
		text,
		option('emotionId', DEFAULT_EMOTION_ID),
		option('backgroundId', DEFAULT_EMOTION_BACKGROUND_ID),
	);
	return { target, emotion };
}

/**
 * Add Reaction and Remove Reaction: the same fields and output, one endpoint each. Outputs the message, the reaction,
 * and DingTalk's answer.
 */
export function reactionOperation(
	operation: 'addReaction' | 'removeReaction',
	call: (
		client: DingTalkClient,
		target: ReactionTarget,
		emotion: TextEmotion,
	) => Promise<EmotionResponse>,
): DingTalkOperation {
	return {
		description: updateDisplayOptions(
			{ show: { resource: ['message'], operation: [operation] } },
			reactionFields,
		),
		async execute(
			this: IExecuteFunctions,
			client: DingTalkClient,
			i: number,
		): Promise<IDataObject> {
			const { target, emotion } = reactionOf(this, i);
			const answer = await call(client, target, emotion);
			return {
				msgId: target.openMsgId,
				conversationId: target.openConversationId,
				reactionText: emotion.text,
				success: answer.success ?? true,
			};
		},
	};
}
