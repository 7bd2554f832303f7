/** One Server-Sent Event. */
export interface SseEvent {
	event: string;
	data: string;
	id?: string;
}

/** Longest line, and largest event (its data lines together), the parser holds: beyond them the stream is refused. */
export const SSE_MAX_LINE_CHARS = 1 << 20;
export const SSE_MAX_EVENT_CHARS = 4 << 20;

/** The stream sent a line or an event larger than the parser holds. */
export class SseLimitError extends Error {
	constructor(what: 'line' | 'event', limit: number) {
		super(
			`The Xpert AI stream sent a${what === 'event' ? 'n event' : ' line'} longer than ${limit} characters`,
		);
		this.name = 'SseLimitError';
	}
}

/**
 * Incremental Server-Sent Events parser (WHATWG rules that matter here: fields per line, `data` lines joined with
 * "\n", blank line ends an event, `:` lines are comments such as Xpert's keep-alives, CR, LF or CRLF). Linear: each
 * character is looked at once (only the new chunk is scanned); bounded: a line or event over the limits throws
 * SseLimitError instead of growing without end.
 */
export class SseParser {
	private partial = '';
	/** The last chunk ended in CR: an LF starting the next one belongs to it. */
	private afterCr = false;
	private data: string[] = [];
	private dataChars = 0;
	private event = '';
	private id?: string;

	constructor(
		private readonly maxLine = SSE_MAX_LINE_CHARS,
		private readonly maxEvent = SSE_MAX_EVENT_CHARS,
	) {}

	push(chunk: string): SseEvent[] {
		const events: SseEvent[] = [];
		if (!chunk) return events;
		let pos = this.afterCr && chunk.charCodeAt(0) === 10 ? 1 : 0;
		this.afterCr = chunk.charCodeAt(chunk.length - 1) === 13;
		const eol = /\r\n|\r|\n/g;
		eol.lastIndex = pos;
		let match: RegExpExecArray | null;
		while ((match = eol.exec(chunk))) {
			if (this.partial.length + match.index - pos > this.maxLine)
				this.fail(new SseLimitError('line', this.maxLine));
			const line = this.partial + chunk.slice(pos, match.index);
			this.partial = '';
			pos = match.index + match[0].length;
			this.line(line, events);
		}
		if (this.partial.length + chunk.length - pos > this.maxLine)
			this.fail(new SseLimitError('line', this.maxLine));
		this.partial += chunk.slice(pos);
		return events;
	}

	private line(line: string, events: SseEvent[]): void {
		if (line === '') {
			if (this.data.length)
				events.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
			this.data = [];
			this.dataChars = 0;
			this.event = '';
			return;
		}
		if (line.charCodeAt(0) === 58 /* : */) return;
		const colon = line.indexOf(':');
		const field = colon < 0 ? line : line.slice(0, colon);
		let value = colon < 0 ? '' : line.slice(colon + 1);
		if (value.charCodeAt(0) === 32) value = value.slice(1);
		if (field === 'data') {
			this.dataChars += value.length + 1;
			if (this.dataChars > this.maxEvent) this.fail(new SseLimitError('event', this.maxEvent));
			this.data.push(value);
		} else if (field === 'event') this.event = value;
		else if (field === 'id') this.id = value;
	}

	/** Drops what is held (the stream is unusable past a limit) and throws. */
	private fail(error: SseLimitError): never {
		this.partial = '';
		this.data = [];
		this.dataChars = 0;
		throw error;
	}
}

/** What a frame of Xpert's `runs/stream` adds to the answer: text of `message` frames, nothing for events. Never throws. */
export function textOfXpertFrame(data: string): { text: string; event?: string; error?: string } {
	let parsed: unknown;
	try {
		parsed = JSON.parse(data);
	} catch {
		return { text: '' };
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { text: '' };
	const frame = parsed as { type?: unknown; data?: unknown; event?: unknown };
	if (frame.type === 'message') {
		const d = frame.data;
		if (typeof d === 'string') return { text: d };
		const part = d && typeof d === 'object' ? (d as { type?: unknown; text?: unknown }) : undefined;
		return { text: part?.type === 'text' && typeof part.text === 'string' ? part.text : '' };
	}
	if (frame.type === 'event') {
		const event = typeof frame.event === 'string' ? frame.event : undefined;
		const detail =
			frame.data && typeof frame.data === 'object'
				? (frame.data as { error?: unknown; status?: unknown })
				: undefined;
		const failed = event === 'on_conversation_end' && detail?.status === 'error';
		return {
			text: '',
			event,
			error: failed
				? typeof detail?.error === 'string' && detail.error
					? detail.error
					: 'the expert failed'
				: undefined,
		};
	}
	return { text: '' };
}
