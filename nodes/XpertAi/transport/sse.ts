/** One Server-Sent Event. */
export interface SseEvent {
	event: string;
	data: string;
	id?: string;
}

/**
 * Incremental Server-Sent Events parser (WHATWG rules that matter here: fields per line, `data` lines joined with
 * "\n", blank line ends an event, `:` lines are comments such as Xpert's keep-alives, CRLF or LF).
 */
export class SseParser {
	private buffer = '';
	private data: string[] = [];
	private event = '';
	private id?: string;

	push(chunk: string): SseEvent[] {
		this.buffer += chunk;
		const events: SseEvent[] = [];
		let newline: number;
		while ((newline = this.buffer.search(/\r?\n/)) >= 0) {
			const line = this.buffer.slice(0, newline);
			this.buffer = this.buffer.slice(newline + (this.buffer[newline] === '\r' ? 2 : 1));
			if (line === '') {
				if (this.data.length) events.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
				this.data = [];
				this.event = '';
				continue;
			}
			if (line.startsWith(':')) continue;
			const colon = line.indexOf(':');
			const field = colon < 0 ? line : line.slice(0, colon);
			const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
			if (field === 'data') this.data.push(value);
			else if (field === 'event') this.event = value;
			else if (field === 'id') this.id = value;
		}
		return events;
	}
}

/** What a frame of Xpert's `runs/stream` adds to the answer: text of `message` frames, nothing for events. */
export function textOfXpertFrame(data: string): { text: string; event?: string; error?: string } {
	let frame: { type?: string; data?: unknown; event?: string };
	try {
		frame = JSON.parse(data) as typeof frame;
	} catch {
		return { text: '' };
	}
	if (frame.type === 'message') {
		const d = frame.data as string | { type?: string; text?: string } | undefined;
		return { text: typeof d === 'string' ? d : d?.type === 'text' && typeof d.text === 'string' ? d.text : '' };
	}
	if (frame.type === 'event') {
		const detail = frame.data as { error?: string; status?: string } | undefined;
		return { text: '', event: frame.event, error: frame.event === 'on_conversation_end' && detail?.status === 'error' ? String(detail.error ?? 'the expert failed') : undefined };
	}
	return { text: '' };
}
