/**
 * The SSE parser and textOfXpertFrame: no throw, same events as a reference parser written here (WHATWG rules for
 * LF / CRLF lines), bounded state however long a line grows, and any frame JSON (data: null included) read safely.
 */
import { SseLimitError, SseParser, textOfXpertFrame } from '../../../nodes/XpertAi/transport/sse';
import { check, type FuzzTarget, mustNotThrow, type Outcome } from '../harness';
import { hostileValue, type Rng } from '../prng';

/** State the parser may keep between chunks: an event's data and one unfinished line, within reason. */
export const MAX_RETAINED_CHARS = 4 * 1024 * 1024;

/** Adapter: parse a stream chunk by chunk; reports the characters the parser retains after each chunk. */
function parse(chunks: string[]): {
	events: Array<{ event: string; data: string }>;
	maxRetained: number;
} {
	const parser = new SseParser();
	const events: Array<{ event: string; data: string }> = [];
	let maxRetained = 0;
	for (const chunk of chunks) {
		for (const e of parser.push(chunk)) events.push({ event: e.event, data: e.data });
		maxRetained = Math.max(maxRetained, retained(parser));
	}
	return { events, maxRetained };
}

/** Characters held in the parser's own fields (strings and string arrays), whatever they are called. */
function retained(parser: object): number {
	let total = 0;
	for (const value of Object.values(parser)) {
		if (typeof value === 'string') total += value.length;
		else if (Array.isArray(value))
			for (const v of value) total += typeof v === 'string' ? v.length : 0;
	}
	return total;
}

/** Reference: the whole stream at once, lines split on CRLF or LF. */
function referenceEvents(stream: string): Array<{ event: string; data: string }> {
	const out: Array<{ event: string; data: string }> = [];
	const lines = stream.split(/\r?\n/);
	lines.pop(); // an unterminated last line is not a line yet
	let data: string[] = [];
	let event = '';
	for (const line of lines) {
		if (line === '') {
			if (data.length) out.push({ event: event || 'message', data: data.join('\n') });
			data = [];
			event = '';
			continue;
		}
		if (line.startsWith(':')) continue;
		const colon = line.indexOf(':');
		const field = colon < 0 ? line : line.slice(0, colon);
		let value = colon < 0 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'data') data.push(value);
		else if (field === 'event') event = value;
	}
	return out;
}

function frameJson(rng: Rng): string {
	switch (rng.int(6)) {
		case 0:
			return JSON.stringify({
				type: 'message',
				data: rng.pick([
					rng.text(20),
					{ type: 'text', text: rng.text(20) },
					null,
					hostileValue(rng),
				]),
			});
		case 1:
			return JSON.stringify({
				type: 'event',
				event: rng.pick(['on_conversation_end', hostileValue(rng)]),
				data: rng.pick([null, { status: 'error', error: hostileValue(rng) }, hostileValue(rng)]),
			});
		case 2:
			return rng.pick([
				'null',
				'1',
				'"x"',
				'[]',
				'true',
				'{"type":{"toString":1}}',
				'{"type":"message","data":null}',
				'{"type":"event","data":null}',
			]);
		case 3:
			return JSON.stringify(hostileValue(rng));
		default:
			return rng.text(40).replace(/[\r\n]/g, ' ');
	}
}

function stream(rng: Rng): string {
	let out = '';
	const n = 1 + rng.int(12);
	const nl = () => rng.pick(['\n', '\r\n']);
	for (let i = 0; i < n; i++) {
		if (rng.chance(0.15)) out += `: keep-alive${nl()}`;
		if (rng.chance(0.2)) out += `event: ${rng.pick(['message', 'error', 'end'])}${nl()}`;
		if (rng.chance(0.1)) out += `id: ${rng.int(1000)}${nl()}`;
		out += `data: ${frameJson(rng).replace(/[\r\n]/g, ' ')}${nl()}`;
		if (rng.chance(0.2)) out += `data${nl()}`;
		if (rng.chance(0.1)) out += `${rng.text(10).replace(/[\r\n]/g, ' ')}${nl()}`;
		out += nl();
	}
	return out;
}

function chunked(rng: Rng, text: string): string[] {
	const chunks: string[] = [];
	for (let i = 0; i < text.length; ) {
		const size = rng.pick([1, 2, 3, 7, 64, 4096]);
		chunks.push(text.slice(i, i + size));
		i += size;
	}
	return chunks;
}

export const sseTarget: FuzzTarget = {
	name: 'sse',
	// Nearly every generated stream holds a data line, so it yields events (seeded run: 100 %).
	minAcceptedShare: 0.9,
	run(rng: Rng): Outcome {
		if (rng.chance(0.0005)) {
			// A flood: a line that never ends, in 64 KiB chunks (8 MiB); the parser must not keep it all.
			const chunk = 'x'.repeat(64 * 1024);
			const chunks = ['data: ', ...Array.from({ length: 128 }, () => chunk)];
			const input = { flood: '"data: " + 128 chunks of 64 KiB without a newline' };
			// The documented outcome is SseLimitError once the line passes the parser's limit; anything else thrown is a
			// violation, and so is keeping more than the bound.
			const parser = new SseParser();
			let maxRetained = 0;
			let limited = false;
			mustNotThrow(input, 'SseParser.push', () => {
				try {
					for (const c of chunks) {
						parser.push(c);
						maxRetained = Math.max(maxRetained, retained(parser));
					}
				} catch (error) {
					if (!(error instanceof SseLimitError)) throw error;
					limited = true;
				}
			});
			maxRetained = Math.max(maxRetained, retained(parser));
			check(
				maxRetained <= MAX_RETAINED_CHARS,
				`the parser retained ${maxRetained} characters of an unterminated line (limit ${MAX_RETAINED_CHARS})`,
				input,
			);
			check(limited, 'an 8 MiB line without a newline was not refused with SseLimitError', input);
			return 'refused';
		}
		const text = stream(rng);
		const chunks = chunked(rng, text);
		const input = { stream: text };
		const { events } = mustNotThrow(input, 'SseParser.push', () => parse(chunks));
		check(
			JSON.stringify(events) === JSON.stringify(referenceEvents(text)),
			'events differ from the reference parser',
			input,
		);
		for (const event of events) {
			const frame = mustNotThrow({ data: event.data }, 'textOfXpertFrame', () =>
				textOfXpertFrame(event.data),
			);
			check(typeof frame.text === 'string', 'textOfXpertFrame gave a text that is not a string', {
				data: event.data,
			});
		}
		return events.length ? 'accepted' : 'refused';
	},
};
