import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { defaultFixture, FakeDingTalk } from '../../fake-dingtalk';
import { FakeXpert } from '../../fake-xpert';
import { DingTalk } from '../../../nodes/DingTalk/DingTalk.node';
import { runNode } from './fakeExecuteContext';

/**
 * Starts the fake DingTalk for a test file and clears what happened between tests. Issued access tokens are kept:
 * the node caches its token per process, and a token the fake forgot would cost every test a refresh.
 */
export function useFakeDingTalk(): {
	fake: FakeDingTalk;
	fixture: ReturnType<typeof defaultFixture>;
	credentials: () => ICredentialDataDecryptedObject;
} {
	const fixture = defaultFixture();
	const fake = new FakeDingTalk(fixture);
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		fake.requests = [];
		fake.sentMessages = [];
		fake.reactions = [];
		fake.uploads = [];
		fake.cards = new Map();
		fake.clearFaults();
	});
	return { fake, fixture, credentials: () => ({ ...fake.appConfig() }) };
}

export function useFakeXpert(): {
	fake: FakeXpert;
	credentials: () => ICredentialDataDecryptedObject;
} {
	const fake = new FakeXpert();
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	beforeEach(() => fake.reset());
	return { fake, credentials: () => ({ ...fake.credentials() }) };
}

/** An AI card as Card → Send leaves it at the fake, for the operations that write into an existing card. */
export function seedCard(
	fake: FakeDingTalk,
	outTrackId: string,
	cardData: Record<string, string> = {},
): void {
	fake.cards.set(outTrackId, {
		cardTemplateId: 'tpl.schema',
		cardData,
		openSpaceId: 'dtv1.card//IM_ROBOT.eng0001',
		streams: [],
		fieldValues: {},
		finalized: false,
		failed: false,
	});
}

/**
 * Runs a DingTalk operation whose one per-item parameter is a resource locator by ID (a user, a department), one
 * input item per ID: `run(ids, extraParameters?, continueOnFail?)`.
 */
export function locatorOperation(
	resource: string,
	operation: string,
	locator: string,
	credentials: () => ICredentialDataDecryptedObject,
) {
	return async (ids: string[], extra: INodeParameters = {}, continueOnFail = false) =>
		await runNode({
			node: new DingTalk(),
			items: ids.map(() => ({ json: {} })),
			parameters: (i) => ({
				resource,
				operation,
				[locator]: { __rl: true, mode: 'id', value: ids[i] },
				...extra,
			}),
			credentials: { dingTalkStreamApi: credentials() },
			continueOnFail,
		});
}
