// n8n's community-node rules, in the variant for self-hosted n8n: the package needs DingTalk's Stream SDK and
// timers (retries, reconnects), which n8n Cloud's verified nodes may not use. Exceptions are listed in the README.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

export default [
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', '.e2e/**', '.demo/**', 'test/**', 'bench/**', 'scripts/**'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tseslint.parser, parserOptions: { project: './tsconfig.json' } },
	},
	n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
	{
		rules: {
			// The design card requires dingtalk-stream (official Stream SDK) and axios at run time.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
];
