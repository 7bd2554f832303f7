import { NodeApiError } from 'n8n-workflow';

import { locatorOperation, useFakeDingTalk } from '../../support/fakeServices';

const { fake, credentials } = useFakeDingTalk();
const run = locatorOperation('user', 'get', 'userId', credentials);

describe('DingTalk → User → Get', () => {
	it('asks DingTalk for the user and outputs the profile, paired with its item', async () => {
		const { output } = await run(['eng0001']);
		const [request] = fake.requestsTo('/topapi/v2/user/get');
		expect(request.body).toEqual({ userid: 'eng0001', language: 'en_US' });
		expect(request.query.access_token).toBeTruthy();
		expect(output).toHaveLength(1);
		expect(output[0]).toMatchObject({
			json: { userid: 'eng0001', name: '王芳', title: 'CTO' },
			pairedItem: { item: 0 },
		});
	});

	it("reports an unknown user with DingTalk's code and the visible-range hint", async () => {
		const error = (await run(['nobody']).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('DingTalk error 60121: 找不到该用户');
		expect(error.description).toMatch(/visible range/);
	});

	it('under Continue On Fail, outputs an error item for the failing item and goes on', async () => {
		const { output } = await run(['nobody', 'eng0002'], {}, true);
		expect(output).toHaveLength(2);
		expect(output[0]).toMatchObject({
			json: { error: 'DingTalk error 60121: 找不到该用户', code: '60121' },
			pairedItem: { item: 0 },
		});
		expect(output[0].json.hint).toMatch(/visible range/);
		expect(output[1]).toMatchObject({ json: { userid: 'eng0002' }, pairedItem: { item: 1 } });
	});
});
