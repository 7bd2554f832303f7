export { FAKE_XPERT_API_KEY, FakeXpert, type FakeExpert, type XpertFault } from './FakeXpert';
