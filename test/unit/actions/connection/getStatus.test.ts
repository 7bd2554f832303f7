import { connectionOperationCases } from './cases';

describe('DingTalk → Connection → getStatus', () => connectionOperationCases('getStatus'));
