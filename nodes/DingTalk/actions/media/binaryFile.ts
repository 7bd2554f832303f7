import { BINARY_ENCODING, type IExecuteFunctions } from 'n8n-workflow';

import type { MediaFile } from '../../api/media';

/**
 * An n8n binary property as a file to upload. Binary data n8n keeps on disk (or in an object store) is streamed
 * from there and measured by its metadata; only data n8n already holds in memory is used as a buffer.
 */
export async function binaryMediaFile(
	context: IExecuteFunctions,
	i: number,
	propertyName: string,
): Promise<MediaFile> {
	const binary = context.helpers.assertBinaryData(i, propertyName);
	const id = binary.id;
	if (id) {
		const metadata = await context.helpers.getBinaryMetadata(id);
		return {
			fileName: binary.fileName ?? metadata.fileName ?? propertyName,
			mimeType: binary.mimeType ?? metadata.mimeType,
			size: metadata.fileSize,
			open: async () => await context.helpers.getBinaryStream(id),
		};
	}
	const content = Buffer.from(binary.data, BINARY_ENCODING);
	return {
		fileName: binary.fileName ?? propertyName,
		mimeType: binary.mimeType,
		size: content.length,
		open: async () => content,
	};
}
