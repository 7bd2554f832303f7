/**
 * Send and Wait's parameters read as n8n hands them over, in the cases the node's own tests cannot build: an
 * expression that evaluates to null (n8n passes null on, the fake execute context refuses expressions), and a
 * parameter n8n left unset (the fake fills in every default, as n8n does for a displayed parameter).
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	type ParameterReader,
	readResponseForm,
	readSendAndWaitConfig,
} from '../../../../nodes/DingTalk/actions/message/responseConfig';
import { FormDefinitionError } from '../../../../nodes/DingTalk/actions/message/responseForm';

type Parameters = Record<string, unknown>;

/** As n8n's getNodeParameter: a dotted path; the fallback only when the parameter is absent (null is a value). */
const reader =
	(parameters: Parameters): ParameterReader =>
	(name, fallback) => {
		const value = name
			.split('.')
			.reduce<unknown>(
				(at, key) => (at && typeof at === 'object' ? (at as Parameters)[key] : undefined),
				parameters,
			);
		return value === undefined ? fallback : value;
	};

const NODE: INode = {
	id: 'node-under-test',
	name: 'DingTalk',
	type: 'test.dingTalk',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const executeContext = (parameters: Parameters) => {
	const read = reader(parameters);
	return {
		getNodeParameter: (name: string, _item: number, fallback?: unknown) => read(name, fallback),
		getNode: () => NODE,
	} as unknown as IExecuteFunctions;
};

const configError = (parameters: Parameters) => {
	try {
		readSendAndWaitConfig(executeContext(parameters));
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('readSendAndWaitConfig accepted the parameters');
};

describe('Send and Wait: a Title or Message expression that evaluates to null', () => {
	it('is refused as empty, never sent as some other text', () => {
		const title = configError({ subject: null, message: 'Deploy?' });
		expect(title).toBeInstanceOf(NodeOperationError);
		expect(title.message).toBe('"Title" is empty');
		const message = configError({ subject: 'Approval required', message: null });
		expect(message).toBeInstanceOf(NodeOperationError);
		expect(message.message).toBe('"Message" is empty');
	});

	it('leaves the response form without a description', () => {
		const form = readResponseForm(reader({ responseType: 'freeText', message: null }));
		expect(form.description).toBe('');
	});
});

describe('Send and Wait: a parameter n8n left unset reads as its declared default', () => {
	it('Title and Message: empty, so refused', () => {
		expect(configError({ message: 'Deploy?' }).message).toBe('"Title" is empty');
		expect(configError({ subject: 'Approval required' }).message).toBe('"Message" is empty');
	});

	it('Form JSON: an empty list, so "no fields"', () => {
		expect(() =>
			readResponseForm(reader({ responseType: 'customForm', defineForm: 'json' })),
		).toThrow(new FormDefinitionError('The form has no fields'));
		const error = configError({
			subject: 'Approval required',
			message: 'Deploy?',
			responseType: 'customForm',
			defineForm: 'json',
		});
		expect([error.message, error.description]).toEqual([
			'The response form cannot be built',
			'The form has no fields',
		]);
	});
});

describe('Send and Wait: a Free Text form whose texts cannot be read', () => {
	const failingTitle = (responseType: string) => {
		const read = reader({ responseType, subject: 'Approval required', message: 'Deploy?' });
		return {
			getNodeParameter: (name: string, _item: number, fallback?: unknown) => {
				if (name === 'options.responseFormTitle')
					throw new Error('Form Title: $json.title is undefined');
				return read(name, fallback);
			},
			getNode: () => NODE,
		} as unknown as IExecuteFunctions;
	};

	it('fails the node before anything is sent, with the expression error as it is', () => {
		expect(() => readSendAndWaitConfig(failingTitle('freeText'))).toThrow(
			'Form Title: $json.title is undefined',
		);
	});

	it('never reads the form of an approval (it has none)', () => {
		expect(readSendAndWaitConfig(failingTitle('approval'))).toMatchObject({
			title: 'Approval required',
			responseType: 'approval',
		});
	});
});
