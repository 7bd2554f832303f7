/**
 * Copies icons and codex files next to the compiled JavaScript, where n8n resolves `file:` icons.
 * Credentials show their service's icon too, so the icons are copied beside them as well.
 */
const { src, dest, parallel, task } = require('gulp');

const nodeAssets = () =>
	src('nodes/**/*.{png,svg,node.json}', { encoding: false }).pipe(dest('dist/nodes'));
const credentialIcons = () =>
	src(['nodes/DingTalk/*.svg', 'nodes/XpertAi/*.svg'], { encoding: false }).pipe(
		dest('dist/credentials'),
	);

task('build:icons', parallel(nodeAssets, credentialIcons));
