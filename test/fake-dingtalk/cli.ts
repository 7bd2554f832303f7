/** Runs the fake DingTalk alone: `tsx test/fake-dingtalk/cli.ts [--port 3999]`. Prints {"baseUrl"} as one JSON line. */
import { defaultFixture } from './fixture';
import { FakeDingTalk } from './FakeDingTalk';

const portFlag = process.argv.indexOf('--port');
const port = Number(
	portFlag >= 0 ? process.argv[portFlag + 1] : (process.env.FAKE_DINGTALK_PORT ?? 3999),
);
const fake = new FakeDingTalk(defaultFixture());
fake.start(port).then(
	() =>
		console.log(JSON.stringify({ baseUrl: fake.baseUrl, app: defaultFixture().apps[0].clientId })),
	(error: Error) => {
		console.error(error.message);
		process.exit(1);
	},
);
const stop = () => void fake.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
