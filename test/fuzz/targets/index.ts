import type { FuzzTarget } from '../harness';
import { cardMergeTarget } from './cardMerge';
import { httpCallbackTarget } from './httpCallback';
import { pipelineTarget } from './pipeline';
import { replayFlipTarget } from './replayFlip';
import { sendAndWaitTarget } from './sendAndWait';
import { sseTarget } from './sse';
import { streamFramesTarget } from './streamFrames';

export const TARGETS: FuzzTarget[] = [
	httpCallbackTarget,
	replayFlipTarget,
	streamFramesTarget,
	pipelineTarget,
	cardMergeTarget,
	sseTarget,
	sendAndWaitTarget,
];
