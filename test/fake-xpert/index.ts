export {
	FAKE_XPERT_API_KEY,
	FakeXpert,
	type FakeExpert,
	type FakeStreamOptions,
	type XpertFault,
} from './FakeXpert';
export { askStreamingContext, fakeAiCard } from './askContext';
export {
	isApprovalReview,
	readReviewedRequest,
	REVIEW_FORMAT_LINE,
	REVIEW_POLICIES,
	reviewApproval,
} from './approvalReview';
