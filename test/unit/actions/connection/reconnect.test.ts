import { connectionOperationCases } from './cases';

describe('DingTalk → Connection → reconnect', () => connectionOperationCases('reconnect'));
