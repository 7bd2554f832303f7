import type { INodeParameters, ResourceMapperValue } from 'n8n-workflow';

import { DingTalk } from '../../../../nodes/DingTalk/DingTalk.node';
import { runNode } from '../../support/fakeExecuteContext';
import { useFakeDingTalk } from '../../support/fakeServices';

/**
 * The fake DingTalk for an Approval test file, and a runner: one input item per parameter set. The fake's approval
 * instances are cleared between tests (its templates stay).
 */
export function useApprovalFake() {
	const services = useFakeDingTalk();
	beforeEach(() => services.fake.workflow.reset());
	const run = async (operation: string, perItem: INodeParameters[], continueOnFail = false) =>
		await runNode({
			node: new DingTalk(),
			items: perItem.map(() => ({ json: {} })),
			parameters: (i) => ({ resource: 'approval', operation, ...perItem[i] }),
			credentials: { dingTalkStreamApi: services.credentials() },
			continueOnFail,
		});
	/** An expense claim submitted by eng0002, waiting for manager0002. */
	const submitExpense = () =>
		services.fake.workflow.submit({
			processCode: 'PROC-EXPENSE-0001',
			originatorUserId: 'eng0002',
			form: { Reason: 'Taxi', Amount: 42, Type: 'Travel' },
		});
	return { ...services, run, submitExpense };
}

/** A resource mapper value as the editor saves it (n8n hands the node the whole object). */
export const mapped = (value: ResourceMapperValue['value']): ResourceMapperValue => ({
	mappingMode: 'defineBelow',
	value,
	matchingColumns: [],
	schema: [],
	attemptToConvertTypes: false,
	convertFieldsToString: false,
});
