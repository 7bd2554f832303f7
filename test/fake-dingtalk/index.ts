export { FakeDingTalk } from './FakeDingTalk';
export { defaultFixture } from './fixture';
export type * from './types';
