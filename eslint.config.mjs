// `npm run lint` is `n8n-node lint` (@n8n/node-cli, the linter n8n's community-node template uses), with n8n's
// config for packages without n8n Cloud support: the package needs DingTalk's Stream SDK and timers (retries,
// reconnects), which n8n Cloud's verified nodes may not use. Exceptions are listed in the README ("Lint").
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	// n8n-node lint runs `eslint .`: only the shipped sources (nodes, credentials, index.ts) and package.json.
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'.cache/**',
			'.e2e/**',
			'.demo/**',
			'.stryker-tmp/**',
			'reports/**',
			'test/**',
			'bench/**',
			'scripts/**',
			'gulpfile.js',
			'jest.config.js',
			'jest.mutation.config.js',
			'stryker.config.mjs',
			'eslint.config.mjs',
		],
	},
	...configWithoutCloudSupport,
	{
		files: ['package.json'],
		rules: {
			// Runtime dependencies are the design: dingtalk-stream (DingTalk's official Stream SDK), ws and axios.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// The package has no maintainer e-mail address yet; set author.email before publishing and drop this line.
			'@n8n/community-nodes/valid-author': 'off',
		},
	},
];
