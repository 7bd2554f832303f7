import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';

const root = resolve(__dirname, '../../..');

/**
 * The floors of the product code, top to bottom; a file may import only from its own floor or a lower one. The
 * longest matching prefix decides; a folder missing here fails the test, so a new one has to be placed.
 */
const FLOORS: Array<[prefix: string, floor: number, name: string]> = [
	['nodes/DingTalk/DingTalk.node.ts', 3, 'n8n glue'],
	['nodes/DingTalk/DingTalkTrigger.node.ts', 3, 'n8n glue'],
	['nodes/DingTalk/actions/', 3, 'n8n glue'],
	['nodes/DingTalk/descriptions/', 3, 'n8n glue'],
	['nodes/DingTalk/methods/', 3, 'n8n glue'],
	['nodes/DingTalk/trigger/', 3, 'n8n glue'],
	['nodes/DingTalk/pipeline/', 2, 'event pipeline'],
	['nodes/DingTalk/stream/', 1, 'transport'],
	['nodes/DingTalk/http/', 1, 'transport'],
	['nodes/DingTalk/api/', 0, 'DingTalk client'],
	['nodes/DingTalk/transport/', 0, 'DingTalk client'],
	['nodes/DingTalk/crypto/', 0, 'DingTalk client'],
	['nodes/DingTalk/helpers/', 0, 'DingTalk client'],
	['nodes/XpertAi/XpertAi.node.ts', 3, 'n8n glue'],
	['nodes/XpertAi/actions/', 3, 'n8n glue'],
	['nodes/XpertAi/methods/', 3, 'n8n glue'],
	['nodes/XpertAi/transport/', 0, 'Xpert client'],
	['nodes/shared/', 0, 'shared'],
	// The one module through which the Xpert AI node uses DingTalk (client, card streaming, errors, credential test).
	['nodes/shared/dingTalk.ts', 3, 'n8n glue'],
	['credentials/', 0, 'credentials'],
];

/** A node's files import only their own node, nodes/shared and credentials; the bridge between the nodes is the exception. */
const ALLOWED_CROSS_NODE: Array<[from: string, to: string]> = [
	['nodes/shared/dingTalk.ts', 'nodes/DingTalk/'],
];

function floorOf(file: string): { floor: number; name: string } | undefined {
	const match = FLOORS.filter(([prefix]) => file.startsWith(prefix)).sort(
		(a, b) => b[0].length - a[0].length,
	)[0];
	return match && { floor: match[1], name: match[2] };
}

/** nodes/<Node>/… → the node; undefined for shared code and credentials. */
function nodeOf(file: string): string | undefined {
	const match = /^nodes\/([^/]+)\//.exec(file);
	return match && match[1] !== 'shared' ? match[1] : undefined;
}

function sourceFiles(dir: string): string[] {
	return readdirSync(join(root, dir)).flatMap((entry) => {
		const path = `${dir}/${entry}`;
		if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
	});
}

/** The repository-relative file a relative import names (file.ts or folder/index.ts). */
function resolveImport(from: string, specifier: string): string | undefined {
	const base = resolve(root, dirname(from), specifier);
	for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
		if (existsSync(candidate) && statSync(candidate).isFile())
			return relative(root, candidate).split('\\').join('/');
	}
	return undefined;
}

function relativeImports(file: string): string[] {
	// preProcessFile finds every import, export … from, import() and require(), type-only ones included.
	const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
	return importedFiles.map((imported) => imported.fileName).filter((name) => name.startsWith('.'));
}

function violations(): string[] {
	const found: string[] = [];
	for (const file of [...sourceFiles('nodes'), ...sourceFiles('credentials')]) {
		const source = floorOf(file);
		if (!source) {
			found.push(`${file}: no floor (add its folder to FLOORS)`);
			continue;
		}
		for (const specifier of relativeImports(file)) {
			const target = resolveImport(file, specifier);
			if (!target) {
				found.push(`${file}: cannot resolve ${specifier}`);
				continue;
			}
			const floor = floorOf(target);
			if (!floor) {
				found.push(`${file} imports ${target}, which is on no floor`);
				continue;
			}
			if (floor.floor > source.floor)
				found.push(`${file} (${source.name}) imports ${target} (${floor.name}), a higher floor`);
			const [fromNode, toNode] = [nodeOf(file), nodeOf(target)];
			const allowed = ALLOWED_CROSS_NODE.some(
				([from, to]) => file.startsWith(from) && target.startsWith(to),
			);
			if (toNode && fromNode !== toNode && !allowed)
				found.push(`${file} imports ${target}, inside another node`);
		}
	}
	return found;
}

describe('layers', () => {
	it('no product file imports a file on a higher floor, or inside another node', () => {
		expect(violations()).toEqual([]);
	});

	it('places every file it checks (the table covers the tree)', () => {
		const files = [...sourceFiles('nodes'), ...sourceFiles('credentials')];
		expect(files.length).toBeGreaterThan(50);
		expect(files.filter((file) => !floorOf(file))).toEqual([]);
	});
});
