export { FAKE_OPENAI_API_KEY, FakeChatModel } from './FakeChatModel';
