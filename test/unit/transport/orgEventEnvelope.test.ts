import { createHash } from 'crypto';

import {
	epochMs,
	orgEventFromHttp,
	orgEventFromStream,
	type OrgEventEnvelope,
} from '../../../nodes/DingTalk/transport/orgEvents';
import { EVENT_CORP_ID, httpEventPayload } from '../../fake-dingtalk/orgEvents';

/**
 * The envelope of an organisation event, field by field, as either transport reads it (protocol notes §8.1, §8.2):
 * every meta field is untrusted, so what a wrongly typed, oversized or missing one reads as is pinned here exactly.
 */

type Parsed = ReturnType<typeof orgEventFromHttp>;

const envelopeOf = (parsed: Parsed): OrgEventEnvelope => {
	if ('problem' in parsed) throw new Error(parsed.problem);
	return parsed.envelope;
};

/** A decrypted HTTP push as the verifier hands it over: JSON text parsed (so 1e999 is Infinity, -0 stays -0). */
const push = (json: string) => orgEventFromHttp(JSON.parse(json) as Record<string, unknown>);

const frameHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
	messageId: 'm1',
	topic: '*',
	eventType: 'user_add_org',
	eventId: 'evt-0001',
	eventCorpId: 'dingcorp',
	eventBornTime: '1764547200000',
	...extra,
});

/** The digest an event without a usable ID is keyed by: sha1 of its type, a NUL, and its data as JSON. */
const digest = (eventType: string, json: string) =>
	`sha1-${createHash('sha1').update(`${eventType}\0${json}`).digest('hex')}`;

describe('HTTP push meta: numbers read as their digits, other types as empty', () => {
	it('a numeric eventId and CorpId read as their digits', () => {
		const envelope = envelopeOf(
			push('{"EventType":"user_add_org","eventId":12345,"CorpId":42,"userId":["a"]}'),
		);
		expect(envelope.eventId).toBe('12345');
		expect(envelope.corpId).toBe('42');
	});

	it('a number JSON overflows to Infinity reads as empty: refused as EventType, never an ID or corp', () => {
		expect(push('{"EventType":1e999}')).toEqual({
			problem: 'event push without a usable EventType',
		});
		const envelope = envelopeOf(
			push('{"EventType":"user_add_org","eventId":1e999,"CorpId":-1e999,"userId":["a"]}'),
		);
		expect(envelope.eventId).toBe(digest('user_add_org', '{"userId":["a"]}'));
		expect(envelope.corpId).toBe('');
	});

	it('objects, arrays and booleans read as empty, never as their String() form', () => {
		const envelope = envelopeOf(
			push('{"EventType":"user_add_org","eventId":["evt-9"],"CorpId":{"id":"x"},"userId":["a"]}'),
		);
		expect(envelope.eventId).toBe(digest('user_add_org', '{"userId":["a"]}'));
		expect(envelope.corpId).toBe('');
		expect(envelopeOf(push('{"EventType":"user_add_org","CorpId":true}')).corpId).toBe('');
		expect(push('{"EventType":["user_add_org"]}')).toEqual({
			problem: 'event push without a usable EventType',
		});
	});
});

describe('problems name what was wrong (logged for the admin, exact text)', () => {
	it('an HTTP push without a usable EventType', () => {
		expect(push('{"EventType":"a b"}')).toEqual({
			problem: 'event push without a usable EventType',
		});
		expect(push('{"eventType":""}')).toEqual({
			problem: 'event push without a usable EventType',
		});
	});

	it('a Stream frame whose data is JSON but not an object', () => {
		for (const data of ['[1,2,3]', '"text"', '7', 'null'])
			expect(orgEventFromStream(frameHeaders(), data)).toEqual({
				problem: 'event data is not a JSON object',
			});
	});
});

describe('Stream frame meta', () => {
	it('a frame without eventCorpId reads corp ID as empty', () => {
		const headers = frameHeaders();
		delete headers.eventCorpId;
		expect(envelopeOf(orgEventFromStream(headers, '{}')).corpId).toBe('');
	});
});

describe('event IDs: bounded, else a stable digest of the event', () => {
	it('an eventId of 200 characters is kept; 201 characters give the digest', () => {
		const at = 'e'.repeat(200);
		const over = 'e'.repeat(201);
		expect(envelopeOf(orgEventFromStream(frameHeaders({ eventId: at }), '{}')).eventId).toBe(at);
		expect(envelopeOf(orgEventFromStream(frameHeaders({ eventId: over }), '{}')).eventId).toBe(
			digest('user_add_org', '{}'),
		);
		const http = (eventId: string) =>
			envelopeOf(orgEventFromHttp({ EventType: 'user_add_org', eventId, userId: ['a'] })).eventId;
		expect(http(at)).toBe(at);
		expect(http(over)).toBe(digest('user_add_org', '{"userId":["a"]}'));
	});

	it('the digest is sha1 of the type, a NUL and the data as JSON (HTTP: the data without the meta)', () => {
		const headers = frameHeaders();
		delete headers.eventId;
		expect(envelopeOf(orgEventFromStream(headers, '{"userId":["a"]}')).eventId).toBe(
			`sha1-${createHash('sha1').update('user_add_org\0{"userId":["a"]}').digest('hex')}`,
		);
		expect(
			envelopeOf(
				orgEventFromHttp(
					httpEventPayload('org_dept_create', { deptId: [6] }, { corpId: 'dingcorp' }),
				),
			).eventId,
		).toBe(digest('org_dept_create', '{"deptId":[6]}'));
	});

	it('data too deeply nested for JSON.stringify (a 200 KB frame) is keyed by its type alone, without throwing', () => {
		const depth = 100_000;
		const deep = `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
		const headers = frameHeaders();
		delete headers.eventId;
		expect(envelopeOf(orgEventFromStream(headers, deep)).eventId).toBe(
			`sha1-${createHash('sha1').update('user_add_org\0').digest('hex')}`,
		);
	});
});

describe('epochMs: seconds or milliseconds, numbers or plain digit strings, else 0', () => {
	it('below 1e11 reads as seconds, from 1e11 on as milliseconds', () => {
		expect(epochMs(99_999_999_999)).toBe(99_999_999_999_000);
		expect(epochMs(100_000_000_000)).toBe(100_000_000_000);
		expect(epochMs('99999999999')).toBe(99_999_999_999_000);
		expect(epochMs('100000000000')).toBe(100_000_000_000);
	});

	it('digit strings of up to 16 digits are read; 17 digits are not', () => {
		expect(epochMs('1764547200000000')).toBe(1_764_547_200_000_000);
		expect(epochMs('17645472000000000')).toBe(0);
	});

	it('strings that Number() would read but are not plain digits read as 0', () => {
		for (const value of [
			'+1764547200',
			' 1764547200',
			'1764547200 ',
			'1764547200.5',
			'1.7645472e9',
			'0x69',
			'',
		])
			expect([value, epochMs(value)]).toEqual([value, 0]);
	});

	it('booleans, arrays, objects and null read as 0, not as Number() of them', () => {
		for (const value of [true, [1764547200], ['1764547200'], { valueOf: () => 5 }, null])
			expect(epochMs(value)).toBe(0);
	});

	it('zero and negative zero (valid JSON) read as +0', () => {
		expect(Object.is(epochMs(0), 0)).toBe(true);
		expect(Object.is(epochMs(JSON.parse('-0')), 0)).toBe(true);
		expect(Object.is(epochMs('0'), 0)).toBe(true);
	});
});

describe('HTTP push: when the event happened', () => {
	it('EventTime is read, in seconds or milliseconds', () => {
		expect(envelopeOf(push('{"EventType":"user_add_org","EventTime":1764547200}')).bornAt).toBe(
			1764547200000,
		);
		expect(
			envelopeOf(push('{"EventType":"user_add_org","eventTime":"1764547200000"}')).bornAt,
		).toBe(1764547200000);
	});

	it('EventTime wins over eventTime and TimeStamp; without any time bornAt is 0', () => {
		expect(
			envelopeOf(
				push(
					'{"EventType":"user_add_org","EventTime":1764547200,"eventTime":1764547300,"TimeStamp":"1764547400000"}',
				),
			).bornAt,
		).toBe(1764547200000);
		expect(
			envelopeOf(
				push('{"EventType":"user_add_org","EventTime":1764547200,"TimeStamp":"1764547400000"}'),
			).bornAt,
		).toBe(1764547200000);
		expect(envelopeOf(push('{"EventType":"user_add_org"}')).bornAt).toBe(0);
	});
});

describe('HTTP push data: the business fields as sent', () => {
	it('leaves out exactly the meta fields (EventType, eventType, CorpId, corpId, eventId, EventId)', () => {
		const envelope = envelopeOf(
			orgEventFromHttp({
				EventType: 'user_leave_org',
				eventType: 'user_leave_org',
				CorpId: EVENT_CORP_ID,
				corpId: EVENT_CORP_ID,
				eventId: 'evt-1',
				EventId: 'evt-1',
				EventTime: 1764547200,
				userId: ['sales0004'],
			}),
		);
		expect(envelope.data).toStrictEqual({ EventTime: 1764547200, userId: ['sales0004'] });
	});

	it('its fields are ordinary ones: a later step can change or delete them', () => {
		const { data } = envelopeOf(
			orgEventFromHttp({ EventType: 'user_add_org', userId: ['a'], timeStamp: 1 }),
		);
		data.userId = ['b'];
		delete data.timeStamp;
		expect(data).toStrictEqual({ userId: ['b'] });
		expect(Object.getOwnPropertyDescriptor(data, 'userId')).toEqual({
			value: ['b'],
			enumerable: true,
			writable: true,
			configurable: true,
		});
	});

	it('legacy UserId and TimeStamp are also given under the current names', () => {
		const { data } = envelopeOf(
			orgEventFromHttp({
				EventType: 'user_add_org',
				UserId: ['eng0007'],
				TimeStamp: '1764547200000',
			}),
		);
		expect(data).toStrictEqual({
			UserId: ['eng0007'],
			TimeStamp: '1764547200000',
			userId: ['eng0007'],
			timeStamp: '1764547200000',
		});
	});

	it('when both names are sent, the current ones are kept as sent', () => {
		const { data } = envelopeOf(
			orgEventFromHttp({
				EventType: 'user_add_org',
				UserId: ['legacy'],
				userId: ['current'],
				TimeStamp: '1',
				timeStamp: '2',
			}),
		);
		expect(data).toStrictEqual({
			UserId: ['legacy'],
			userId: ['current'],
			TimeStamp: '1',
			timeStamp: '2',
		});
	});

	it('current names alone are kept, and no name is added that was not sent', () => {
		expect(
			envelopeOf(orgEventFromHttp({ EventType: 'user_add_org', userId: ['a'], timeStamp: 5 })).data,
		).toStrictEqual({ userId: ['a'], timeStamp: 5 });
		const { data } = envelopeOf(orgEventFromHttp({ EventType: 'org_dept_create', deptId: [6] }));
		expect(Object.keys(data)).toEqual(['deptId']);
		expect('userId' in data).toBe(false);
		expect('timeStamp' in data).toBe(false);
	});
});
