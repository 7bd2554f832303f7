import { connectionOperationCases } from './cases';

describe('DingTalk → Connection → disconnect', () => connectionOperationCases('disconnect'));
