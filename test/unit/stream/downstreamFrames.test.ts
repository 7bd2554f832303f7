/**
 * What a Stream frame may carry once parsed: only strings, whatever DingTalk (or someone in its place) sent, each
 * refusal naming the field and never echoing the frame; and the three answers the connection writes back.
 */
import {
	callbackAck,
	eventAck,
	MAX_FRAME_BYTES,
	parseCallbackData,
	parseDownstream,
	pingReply,
} from '../../../nodes/DingTalk/stream/frames';

const frameOf = (value: unknown) => parseDownstream(JSON.stringify(value));

describe('Stream frames: parsing hostile frames', () => {
	it('takes a frame of exactly the cap and refuses one character more, naming both sizes', () => {
		const padding = (length: number) => ' '.repeat(length);
		const body = JSON.stringify({ type: 'SYSTEM', headers: { messageId: 'm', topic: 'ping' } });
		expect(parseDownstream(body + padding(MAX_FRAME_BYTES - body.length))).toHaveProperty('frame');
		expect(parseDownstream(body + padding(MAX_FRAME_BYTES - body.length + 1))).toEqual({
			problem: `frame of ${MAX_FRAME_BYTES + 1} bytes exceeds ${MAX_FRAME_BYTES}`,
		});
	});

	it.each(['SYSTEM', 'EVENT', 'CALLBACK'])('takes the frame type %s', (type) => {
		expect(frameOf({ type, headers: { messageId: 'm', topic: 't' } })).toEqual({
			frame: { type, headers: { messageId: 'm', topic: 't' }, data: '' },
		});
	});

	it('names each missing or wrongly typed part, and echoes nothing of the frame', () => {
		const cases: Array<[unknown, string]> = [
			[[1, 2], 'frame is not an object'],
			['CALLBACK', 'frame is not an object'],
			[{ type: 1, headers: { messageId: 'm', topic: 't' } }, 'unknown frame type'],
			[{ type: 'CALLBACK' }, 'frame has no headers'],
			[{ type: 'CALLBACK', headers: ['m', 't'] }, 'frame has no headers'],
			[{ type: 'CALLBACK', headers: { messageId: 'm' } }, 'frame headers lack messageId or topic'],
			[
				{ type: 'CALLBACK', headers: { messageId: 'm', topic: '' } },
				'frame headers lack messageId or topic',
			],
			[
				{ type: 'CALLBACK', headers: { messageId: 7, topic: 't' } },
				'frame headers lack messageId or topic',
			],
		];
		for (const [value, problem] of cases)
			expect([value, frameOf(value)]).toEqual([value, { problem }]);
	});

	it('keeps only string headers, a string data, and a string specVersion', () => {
		expect(
			frameOf({
				specVersion: 2,
				type: 'CALLBACK',
				headers: {
					messageId: 'm',
					topic: 't',
					time: 5,
					contentType: 'application/json',
					nested: { a: 1 },
				},
				data: { msgId: 'x' },
			}),
		).toEqual({
			frame: {
				type: 'CALLBACK',
				headers: { messageId: 'm', topic: 't', contentType: 'application/json' },
				data: '',
			},
		});
		expect(
			frameOf({
				specVersion: '1.0',
				type: 'EVENT',
				headers: { messageId: 'm', topic: 't' },
				data: 'd',
			}),
		).toEqual({
			frame: {
				specVersion: '1.0',
				type: 'EVENT',
				headers: { messageId: 'm', topic: 't' },
				data: 'd',
			},
		});
	});

	it('reads a callback’s data only when it is the JSON text of an object', () => {
		const withData = (data: string) => ({
			type: 'CALLBACK' as const,
			headers: { messageId: 'm', topic: 't' },
			data,
		});
		expect(parseCallbackData(withData('{"a":1}'))).toEqual({ a: 1 });
		expect(parseCallbackData(withData('[1]'))).toBeUndefined();
		expect(parseCallbackData(withData('{'))).toBeUndefined();
		expect(parseCallbackData(withData(''))).toBeUndefined();
	});
});

describe('Stream frames: the answers', () => {
	it('echoes a SYSTEM ping with its messageId and data', () => {
		const ping = {
			type: 'SYSTEM' as const,
			headers: { messageId: 'p1', topic: 'ping' },
			data: '{"opaque":"x"}',
		};
		expect(JSON.parse(pingReply(ping))).toEqual({
			code: 200,
			headers: { contentType: 'application/json', messageId: 'p1' },
			message: 'OK',
			data: '{"opaque":"x"}',
		});
	});

	it('ACKs an EVENT with SUCCESS, and a CALLBACK with a null response by default', () => {
		expect(JSON.parse(eventAck('e1'))).toEqual({
			code: 200,
			headers: { contentType: 'application/json', messageId: 'e1' },
			message: 'OK',
			data: '{"status":"SUCCESS","message":"success"}',
		});
		expect(JSON.parse(callbackAck('c1'))).toMatchObject({ data: '{"response":null}' });
	});
});
