import type { INodeProperties } from 'n8n-workflow';

/** Operations that send a robot message; they share the message fields below. */
export const MESSAGE_OPERATIONS = ['reply', 'sendToUsers', 'sendToGroup'];

const show = (messageTypes: string[]) => ({
	show: { resource: ['message'], operation: MESSAGE_OPERATIONS, messageType: messageTypes },
});

/** Shown for a media message type when its content comes from the given source. */
const showFrom = (messageTypes: string[], source: 'mediaId' | 'binary') => ({
	show: { ...show(messageTypes).show, mediaSource: [source] },
});

const typeOption = {
	text: { name: 'Text', value: 'text', description: 'Plain text' },
	markdown: {
		name: 'Markdown',
		value: 'markdown',
		description: 'Markdown with a title shown in the chat list',
	},
	actionCard: {
		name: 'ActionCard',
		value: 'actionCard',
		description: 'Markdown with one to five link buttons',
	},
	link: { name: 'Link', value: 'link', description: 'A link preview with title, text and picture' },
	image: {
		name: 'Image',
		value: 'image',
		description: 'A picture by URL or media ID, or from an input binary field',
	},
	file: {
		name: 'File',
		value: 'file',
		description: 'A document by media ID, or from an input binary field',
	},
	voice: {
		name: 'Voice',
		value: 'voice',
		description: 'A recording by media ID, or from an input binary field',
	},
	video: {
		name: 'Video',
		value: 'video',
		description: 'An MP4 video with a cover picture, by media IDs or from input binary fields',
	},
	template: {
		name: 'Custom Template',
		value: 'template',
		description: 'Any DingTalk message template by msgKey and msgParam',
	},
};

export const messageContentFields: INodeProperties[] = [
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'], operation: ['reply'] } },
		options: [
			typeOption.text,
			typeOption.markdown,
			typeOption.actionCard,
			typeOption.link,
			typeOption.image,
			typeOption.file,
			typeOption.voice,
			typeOption.video,
		],
		default: 'text',
	},
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'], operation: ['sendToUsers', 'sendToGroup'] } },
		options: Object.values(typeOption),
		default: 'text',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		displayOptions: show(['text']),
		description: 'The message text',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		displayOptions: show(['markdown', 'actionCard', 'link']),
		description:
			'Shown in the chat list and notifications. Left empty, a generic title in the Preferred Language is used.',
	},
	{
		displayName: 'Markdown',
		name: 'markdown',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		displayOptions: show(['markdown', 'actionCard']),
		description: 'The message body in DingTalk Markdown (headings, bold, links, images, lists)',
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, maxAllowedFields: 5 },
		placeholder: 'Add Button',
		default: {},
		displayOptions: show(['actionCard']),
		description: 'One to five buttons that open a URL',
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						description:
							'Left empty on a single button, "View Details" in the Preferred Language is used',
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'https://…',
					},
				],
			},
		],
	},
	{
		displayName: 'Button Layout',
		name: 'buttonLayout',
		type: 'options',
		displayOptions: show(['actionCard']),
		options: [
			{ name: 'Vertical', value: 'vertical' },
			{ name: 'Horizontal (Two Buttons)', value: 'horizontal' },
		],
		default: 'vertical',
	},
	{
		displayName: 'Link Text',
		name: 'linkText',
		type: 'string',
		default: '',
		required: true,
		displayOptions: show(['link']),
	},
	{
		displayName: 'Link URL',
		name: 'linkUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://…',
		displayOptions: show(['link']),
	},
	{
		displayName: 'Picture URL',
		name: 'pictureUrl',
		type: 'string',
		default: '',
		displayOptions: show(['link']),
		description: 'Picture shown beside the link (URL or DingTalk media ID)',
	},
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		options: [
			{
				name: 'Media ID',
				value: 'mediaId',
				description: 'A media ID from Media → Upload (or a picture URL)',
			},
			{
				name: 'Binary Property',
				value: 'binary',
				description: 'Upload a file from the input item first, then send it',
			},
		],
		default: 'mediaId',
		displayOptions: show(['image', 'file', 'voice', 'video']),
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: showFrom(['image', 'file', 'voice', 'video'], 'binary'),
		description:
			"The input binary field holding the file; a File message shows the file's name and extension",
	},
	{
		displayName: 'Cover Picture Binary Field',
		name: 'coverBinaryPropertyName',
		type: 'string',
		default: 'cover',
		required: true,
		displayOptions: showFrom(['video'], 'binary'),
		description: 'The input binary field holding the picture shown before the video plays',
	},
	{
		displayName: 'Image URL or Media ID',
		name: 'photoUrl',
		type: 'string',
		default: '',
		required: true,
		displayOptions: showFrom(['image'], 'mediaId'),
	},
	{
		displayName: 'Media ID',
		name: 'mediaId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '@lAz…',
		displayOptions: showFrom(['file', 'voice', 'video'], 'mediaId'),
		description: 'The media ID DingTalk returned when the file was uploaded',
	},
	{
		displayName: 'Cover Picture Media ID',
		name: 'coverMediaId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '@lAz…',
		displayOptions: showFrom(['video'], 'mediaId'),
		description: 'The media ID of an uploaded image shown before the video plays',
	},
	{
		displayName: 'Duration (Seconds)',
		name: 'durationSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		required: true,
		displayOptions: show(['voice', 'video']),
		description: 'The length of the recording, shown on the message',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'report.pdf',
		displayOptions: showFrom(['file'], 'mediaId'),
	},
	{
		displayName: 'File Type',
		name: 'fileType',
		type: 'options',
		options: ['xlsx', 'pdf', 'zip', 'rar', 'doc', 'docx'].map((ext) => ({ name: ext, value: ext })),
		default: 'pdf',
		displayOptions: showFrom(['file'], 'mediaId'),
	},
	{
		displayName: 'Msg Key',
		name: 'msgKey',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'sampleActionCard2',
		displayOptions: show(['template']),
		description:
			'A DingTalk message template key, e.g. sampleText, sampleMarkdown, sampleAudio, sampleVideo',
	},
	{
		displayName: 'Msg Param (JSON)',
		name: 'msgParam',
		type: 'json',
		default: '{}',
		required: true,
		displayOptions: show(['template']),
		description: "The template's parameters as a JSON object",
	},
];
