import {
	type INodeExecutionData,
	type INodeParameters,
	NodeOperationError,
	WAIT_INDEFINITELY,
} from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import {
	FAKE_EXECUTION_ID,
	FAKE_WAITING_BASE,
	runNode,
	signResumeUrl,
} from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const GROUP = 'cidFakeGroup001==';

const run = async (
	parameters: INodeParameters,
	items: INodeExecutionData[] = [{ json: { ticket: 7 } }],
) =>
	await runNode({
		node: new DingTalk(),
		items,
		parameters: {
			resource: 'message',
			operation: 'sendAndWait',
			subject: 'Approval required',
			message: 'Deploy **v2** to production?',
			...parameters,
		},
		credentials: { dingTalkStreamApi: credentials() },
	});

const cardsTo = (path: string) =>
	fake.requestsTo(path).map((request) => {
		const body = request.body as { msgKey: string; msgParam: string; userIds?: string[] };
		return { ...body, msgParam: JSON.parse(body.msgParam) as Record<string, string> };
	});

/** A link's query without its signature, after checking the signature is n8n's over path and query. */
function signedQuery(link: string): Record<string, string> {
	const url = new URL(link);
	expect(`${url.origin}${url.pathname}`).toBe(
		`${FAKE_WAITING_BASE}/${FAKE_EXECUTION_ID}/node-under-test`,
	);
	expect(url.searchParams.get('signature')).toBe(signResumeUrl(url));
	url.searchParams.delete('signature');
	return Object.fromEntries(url.searchParams);
}

describe('DingTalk → Message → Send and Wait for Response', () => {
	afterEach(() => jest.useRealTimers());

	it('sends each user a card of their own, its links signed with their user ID, and waits without limit', async () => {
		const { output, waits } = await run({
			sendTo: 'users',
			userIds: 'eng0001, eng0002',
			approvalOptions: {
				values: { approvalType: 'double', approveLabel: 'Ship it', disapproveLabel: 'Hold' },
			},
		});
		const cards = cardsTo('/v1.0/robot/oToMessages/batchSend');
		expect(cards.map((c) => [c.userIds, c.msgKey])).toEqual([
			[['eng0001'], 'sampleActionCard6'],
			[['eng0002'], 'sampleActionCard6'],
		]);
		for (const [index, card] of cards.entries()) {
			const user = `eng000${index + 1}`;
			expect(card.msgParam).toMatchObject({
				title: 'Approval required',
				text: 'Deploy **v2** to production?',
				buttonTitle1: 'Hold',
				buttonTitle2: 'Ship it',
			});
			expect(signedQuery(card.msgParam.buttonUrl1)).toEqual({ approved: 'false', user });
			expect(signedQuery(card.msgParam.buttonUrl2)).toEqual({ approved: 'true', user });
		}
		expect(waits).toEqual([WAIT_INDEFINITELY]);
		// While waiting, the node's output is its input (n8n replaces it with the answer on resume).
		expect(output).toEqual([{ json: { ticket: 7 }, pairedItem: { item: 0 } }]);
	});

	it('posts one card in a group, its Respond link signed for no one in particular (Free Text)', async () => {
		await run({
			sendTo: 'group',
			openConversationId: GROUP,
			responseType: 'freeText',
			options: { messageButtonLabel: 'Answer' },
		});
		const [card] = cardsTo('/v1.0/robot/groupMessages/send');
		expect(card.msgKey).toBe('sampleActionCard');
		expect(card.msgParam.singleTitle).toBe('Answer');
		expect(signedQuery(card.msgParam.singleURL)).toEqual({ approved: 'true' });
	});

	it('sends once per node run, from the first item, as n8n does', async () => {
		const { output } = await run({ userIds: 'eng0001' }, [{ json: { a: 1 } }, { json: { a: 2 } }]);
		expect(fake.requestsTo('/v1.0/robot/oToMessages/batchSend')).toHaveLength(1);
		expect(output.map((o) => o.json)).toEqual([{ a: 1 }, { a: 2 }]);
	});

	it('waits until now + the interval, or until the given date (Limit Wait Time)', async () => {
		jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), doNotFake: ['nextTick'] });
		const interval = await run({
			userIds: 'eng0001',
			options: {
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' },
				},
			},
		});
		expect(interval.waits).toEqual([new Date('2026-01-01T00:45:00Z')]);
		const date = await run({
			userIds: 'eng0001',
			options: {
				limitWaitTime: {
					values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2026-02-03T04:05:06Z' },
				},
			},
		});
		expect(date.waits).toEqual([new Date('2026-02-03T04:05:06Z')]);
	});

	it('refuses an unusable wait limit, too many users, or a custom form it cannot build, before sending anything', async () => {
		const failures = [
			{
				options: {
					limitWaitTime: { values: { limitType: 'atSpecifiedTime', maxDateAndTime: 'soon' } },
				},
			},
			{ userIds: Array.from({ length: 21 }, (_, i) => `user${i}`).join(',') },
			{
				responseType: 'customForm',
				defineForm: 'json',
				jsonOutput: '[{"fieldLabel":"A","fieldType":"file"}]',
			},
			{ responseType: 'customForm', defineForm: 'json', jsonOutput: '{not json' },
		];
		for (const failure of failures) {
			const error = await run({ userIds: 'eng0001', ...failure }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
		}
		expect(fake.requests.filter((r) => r.path.startsWith('/v1.0/robot'))).toEqual([]);
	});

	it('on an n8n without signed resume URLs (before 1.110) it says which n8n it needs, and sends nothing', async () => {
		const error = (await runNode({
			node: new DingTalk(),
			items: [{ json: {} }],
			parameters: {
				resource: 'message',
				operation: 'sendAndWait',
				subject: 'Approval required',
				message: 'Deploy?',
				sendTo: 'users',
				userIds: 'eng0001',
			},
			credentials: { dingTalkStreamApi: credentials() },
			olderN8nLacks: ['getSignedResumeUrl'],
		}).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Send and Wait for Response needs n8n 1.110 or later');
		expect(error.description).toContain('could be forged');
		expect(fake.requests.filter((r) => r.path.startsWith('/v1.0/robot'))).toEqual([]);
	});

	it("on n8n 1.x it asks n8n to check the links' signatures (1.x checks only when asked), before sending", async () => {
		const robotRequestsWhenAsked: number[] = [];
		const { waits } = await runNode({
			node: new DingTalk(),
			items: [{ json: {} }],
			parameters: {
				resource: 'message',
				operation: 'sendAndWait',
				subject: 'Approval required',
				message: 'Deploy?',
				sendTo: 'users',
				userIds: 'eng0001, eng0002',
			},
			credentials: { dingTalkStreamApi: credentials() },
			olderN8nHas: {
				setSignatureValidationRequired: () =>
					robotRequestsWhenAsked.push(
						fake.requests.filter((r) => r.path.startsWith('/v1.0/robot')).length,
					),
			},
		});
		expect(robotRequestsWhenAsked).toEqual([0]);
		expect(fake.requestsTo('/v1.0/robot/oToMessages/batchSend')).toHaveLength(2);
		expect(waits).toHaveLength(1);
	});

	it('fails when no user received the message: there would be nothing to wait for', async () => {
		const error = (await run({ userIds: 'nobody' }).catch((e: unknown) => e)) as Error;
		expect(error.message).toBe('No user received the message');
	});
});

describe("Send and Wait: the card's texts, and the checks before anything is sent", () => {
	const firstCard = () => cardsTo('/v1.0/robot/oToMessages/batchSend')[0];

	it('sends Approve Only by default: one "Approve" button whose link approves', async () => {
		await run({ userIds: 'eng0001' });
		const card = firstCard();
		expect(card.msgKey).toBe('sampleActionCard');
		expect(card.msgParam.singleTitle).toBe('Approve');
		expect(signedQuery(card.msgParam.singleURL)).toEqual({ approved: 'true', user: 'eng0001' });
	});

	it('puts back the default label of a button left blank ("Decline", "Approve", "Respond")', async () => {
		await run({
			userIds: 'eng0001',
			approvalOptions: {
				values: { approvalType: 'double', approveLabel: '   ', disapproveLabel: '' },
			},
		});
		expect(firstCard().msgParam).toMatchObject({
			buttonTitle1: 'Decline',
			buttonTitle2: 'Approve',
		});
		fake.reset();
		await run({ userIds: 'eng0001', responseType: 'freeText' });
		expect(firstCard().msgParam.singleTitle).toBe('Respond');
	});

	it('sends Title and Message trimmed, a written "\\n" as a line break', async () => {
		await run({
			userIds: 'eng0001',
			subject: '  Approval required  ',
			message: '  Deploy v2?\\nRollback is ready.  ',
		});
		expect(firstCard().msgParam).toMatchObject({
			title: 'Approval required',
			text: 'Deploy v2?\nRollback is ready.',
		});
	});

	it.each([
		['a blank Title', { subject: '   ' }, '"Title" is empty'],
		['an empty Message', { message: '' }, '"Message" is empty'],
		['a blank Message', { message: ' \t ' }, '"Message" is empty'],
	])('refuses %s by name, sending nothing', async (_label, parameters, text) => {
		const error = (await run({ userIds: 'eng0001', ...parameters }).catch(
			(e: unknown) => e,
		)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(text);
		expect(fake.requests.filter((r) => r.path.startsWith('/v1.0/robot'))).toEqual([]);
	});

	it.each([
		[
			'Form JSON that is not JSON',
			{ defineForm: 'json', jsonOutput: '{not json' },
			'The form JSON is not valid JSON',
		],
		['no field below', { defineForm: 'fields' }, 'The form has no fields'],
	])('says why a custom form cannot be built: %s', async (_label, parameters, why) => {
		const error = (await run({
			userIds: 'eng0001',
			responseType: 'customForm',
			...parameters,
		}).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect([error.message, error.description]).toEqual(['The response form cannot be built', why]);
	});

	it('sends a custom form defined with the fields below', async () => {
		await run({
			userIds: 'eng0001',
			responseType: 'customForm',
			defineForm: 'fields',
			formFields: { values: [{ fieldLabel: 'Reason', fieldType: 'text' }] },
		});
		expect(firstCard().msgParam.singleTitle).toBe('Respond');
	});
});
