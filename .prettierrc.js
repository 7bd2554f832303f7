// One formatter for the whole tree: the settings of n8n's community-node template (tabs, single quotes, width 100).
module.exports = {
	semi: true,
	trailingComma: 'all',
	bracketSpacing: true,
	useTabs: true,
	tabWidth: 2,
	arrowParens: 'always',
	singleQuote: true,
	quoteProps: 'as-needed',
	endOfLine: 'lf',
	printWidth: 100,
	// JSON keeps npm's two spaces (npm rewrites package.json and its lock file that way).
	overrides: [{ files: '*.json', options: { useTabs: false, tabWidth: 2 } }],
};
