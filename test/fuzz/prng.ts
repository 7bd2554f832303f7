/** Seeded generators for the fuzz suite: every input is regenerated from its own 32-bit seed (no dependency). */

/** mulberry32: small, fast, good enough to drive a fuzzer; not for anything secret. */
export class Rng {
	private state: number;

	constructor(readonly seed: number) {
		this.state = seed >>> 0;
	}

	next(): number {
		let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	int(maxExclusive: number): number {
		return Math.floor(this.next() * maxExclusive);
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}

	bytes(n: number): Buffer {
		const out = Buffer.alloc(n);
		for (let i = 0; i < n; i++) out[i] = this.int(256);
		return out;
	}

	string(alphabet: string, min: number, max: number): string {
		const n = min + this.int(max - min + 1);
		let out = '';
		for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
		return out;
	}

	/** Any UTF-16 text, lone surrogates and control characters included. */
	text(max = 24): string {
		const n = this.int(max + 1);
		let out = '';
		for (let i = 0; i < n; i++)
			out += String.fromCharCode(this.chance(0.7) ? 32 + this.int(95) : this.int(0x10000));
		return out;
	}
}

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The seed of input `index` of a run started with `seed`: each failure reproduces from one number. */
export function inputSeed(seed: number, index: number): number {
	let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
	return (h ^ (h >>> 16)) >>> 0;
}

/** Values of every JSON type and the shapes that break careless code. */
export function hostileValue(rng: Rng, depth = 0): unknown {
	switch (rng.int(depth > 3 ? 8 : 12)) {
		case 0:
			return null;
		case 1:
			return rng.pick([0, -1, 1e308, -0, 2 ** 53, 1.5, Number.MAX_SAFE_INTEGER]);
		case 2:
			return rng.chance(0.5);
		case 3:
			return rng.text();
		case 4:
			return '';
		case 5:
			return rng.pick([
				'__proto__',
				'constructor',
				'toString',
				'[object Object]',
				'{}',
				'null',
				'1700000000000',
				'\u0000',
			]);
		case 6:
			return JSON.parse('{"toString":1,"valueOf":1}') as unknown;
		case 7:
			return JSON.parse(
				'{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
			) as unknown;
		case 8:
			return Array.from({ length: rng.int(4) }, () => hostileValue(rng, depth + 1));
		case 9:
			return Object.fromEntries(
				Array.from({ length: rng.int(4) }, () => [
					rng.pick(['a', 'text', 'content', 'type', 'data', rng.text(6)]),
					hostileValue(rng, depth + 1),
				]),
			);
		case 10:
			return deepNest(rng.pick([100, 1000, 2000]), rng.chance(0.5));
		default:
			return rng.string(ALNUM, 0, 40);
	}
}

/** A value nested `depth` levels deep (objects or arrays): recursion without a bound overflows the stack. */
export function deepNest(depth: number, arrays: boolean): unknown {
	return JSON.parse(
		arrays
			? `${'['.repeat(depth)}1${']'.repeat(depth)}`
			: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
	) as unknown;
}

/** Replaces or deletes a few fields of a JSON object (parsed again, so `__proto__` keys are own properties). */
export function mutateObject(rng: Rng, base: Record<string, unknown>): Record<string, unknown> {
	const out = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
	const keys = Object.keys(out);
	const n = 1 + rng.int(4);
	for (let i = 0; i < n; i++) {
		const key =
			rng.chance(0.85) && keys.length
				? rng.pick(keys)
				: rng.pick(['__proto__', 'constructor', rng.text(8)]);
		if (rng.chance(0.1)) delete out[key];
		else if (key === '__proto__')
			Object.defineProperty(out, key, {
				value: hostileValue(rng),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		else out[key] = hostileValue(rng);
	}
	return out;
}
