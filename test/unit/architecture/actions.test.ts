import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import type { INodeProperties, INodeType } from 'n8n-workflow';
import * as ts from 'typescript';

import { DingTalk } from '../../../nodes/DingTalk/DingTalk.node';
import { XpertAi } from '../../../nodes/XpertAi/XpertAi.node';

const root = resolve(__dirname, '../../..');

/**
 * Both action nodes are built the same way: nodes/<Node>/actions/<resource>/index.ts registers the resource's
 * operations (`operations`) and their fields (`description`, with the Operation choice), the version description
 * assembles the resources, and the shared router runs what they registered. Operation files share code through a
 * module of their resource, never through another operation file.
 */
const NODES: Array<[name: string, node: INodeType]> = [
	['DingTalk', new DingTalk()],
	['XpertAi', new XpertAi()],
];

const choices = (property: INodeProperties | undefined) =>
	(property?.options ?? []).map((option) => String((option as { value: unknown }).value)).sort();

describe.each(NODES)('%s actions', (name, node) => {
	const actions = join(root, 'nodes', name, 'actions');
	const resourceField = node.description.properties.find(
		(property) => property.name === 'resource',
	);
	const resources = choices(resourceField);

	it('has one actions/<resource>/ folder with an index.ts per resource choice', () => {
		const folders = readdirSync(actions, { withFileTypes: true })
			.filter((entry) => entry.isDirectory())
			.map((entry) => entry.name);
		expect(folders.sort()).toEqual(resources);
		for (const resource of resources)
			expect(readdirSync(join(actions, resource))).toContain('index.ts');
	});

	it.each(resources.map((resource) => [resource]))(
		'%s: index.ts registers every operation file and offers exactly those operations',
		(resource) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const index = require(join(actions, resource)) as {
				operations: Record<string, { execute: unknown; description: unknown }>;
				description: INodeProperties[];
			};
			const offered = index.description.find(
				(property) =>
					property.name === 'operation' &&
					property.displayOptions?.show?.resource?.includes(resource),
			);
			expect(Object.keys(index.operations).sort()).toEqual(choices(offered));
			for (const operation of Object.values(index.operations)) {
				expect(typeof operation.execute).toBe('function');
				expect(Array.isArray(operation.description)).toBe(true);
			}
			const files = readdirSync(join(actions, resource)).filter((file) =>
				file.endsWith('.operation.ts'),
			);
			expect(files).toHaveLength(Object.keys(index.operations).length);
			// The version description shows what the index registered.
			for (const property of index.description)
				expect(node.description.properties).toContain(property);
		},
	);

	it('no operation file imports another operation file', () => {
		const imports: string[] = [];
		for (const resource of resources) {
			for (const file of readdirSync(join(actions, resource)).filter((f) =>
				f.endsWith('.operation.ts'),
			)) {
				const { importedFiles } = ts.preProcessFile(
					readFileSync(join(actions, resource, file), 'utf8'),
					true,
					true,
				);
				for (const imported of importedFiles)
					if (imported.fileName.endsWith('.operation'))
						imports.push(`${resource}/${file} imports ${imported.fileName}`);
			}
		}
		expect(imports).toEqual([]);
	});
});
