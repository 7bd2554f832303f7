/** Shared pieces of the StreamConnection tests: the gateway opener against the fake DingTalk, and recording loggers. */
import type { FakeDingTalk } from '../fake-dingtalk';
import { openStreamConnection } from '../../nodes/DingTalk/api/gateway';
import type {
	StreamConnectionOptions,
	StreamLogger,
} from '../../nodes/DingTalk/stream/StreamConnection';
import { AccessTokenCache, axiosSender, DingTalkClient } from '../../nodes/DingTalk/transport';

/** `openConnection` for the fake's first app: a real `connections/open` call, no client retries. */
export function fakeGatewayOpener(fake: FakeDingTalk): StreamConnectionOptions['openConnection'] {
	const client = new DingTalkClient(fake.appConfig(), axiosSender, {
		tokenCache: new AccessTokenCache(),
		retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
	});
	return async (subscriptions, ua) => await openStreamConnection(client, subscriptions, ua);
}

export interface LogLine {
	level: keyof StreamLogger;
	message: string;
	meta?: object;
}

/** A logger that keeps every line as `{ level, message, meta }`. */
export function recordingLogger(): { lines: LogLine[]; logger: StreamLogger } {
	const lines: LogLine[] = [];
	const at =
		(level: keyof StreamLogger) =>
		(message: string, meta?: object): void => {
			lines.push({ level, message, meta });
		};
	return {
		lines,
		logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
	};
}

export type LogTuple = [level: string, message: string, meta: object | undefined];

/** The same logger keeping `[level, message, meta]` tuples. */
export function tupleLogger(): { lines: LogTuple[]; logger: StreamLogger } {
	const lines: LogTuple[] = [];
	const at =
		(level: keyof StreamLogger) =>
		(message: string, meta?: object): void => {
			lines.push([level, message, meta]);
		};
	return {
		lines,
		logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
	};
}
