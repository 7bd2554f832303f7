/**
 * The fake Xpert as an approval reviewer: a prompt that asks for the Approval assistant's answer format (the flow
 * workflows/dingtalk-approval-assistant.json) is answered in that format, from the form lines it quotes, by a small
 * fixed policy, so tests and the demo can choose the recommendation by what the approval's form says:
 * - no reason given (no field labelled Reason, 事由 or 原因, or it is empty), or any field left empty (or "-") →
 *   needs information, naming the field;
 * - a number field about days (label with "day" or 天) above 10, or about an amount (label with "amount" or 金额)
 *   above 5,000 → refuse;
 * - anything else → approve.
 */

/** The line of the prompt that names the answer format; a prompt with it gets a review. */
export const REVIEW_FORMAT_LINE = 'Recommendation: approve | refuse | needs information';

const MAX_DAYS = 10;
const REASON = /reason|事由|原因/i;
const MAX_AMOUNT = 5000;

export const REVIEW_POLICIES = {
	approve:
		'Leave policy 2.1: leave within the yearly allowance, with a reason, is approved by the manager',
	days: `Leave policy 3.2: at most ${MAX_DAYS} days of leave in one request`,
	amount: `Expense policy 2.1: at most ${MAX_AMOUNT} per request without a budget owner`,
	missing: 'Approval policy 1.1: every field of the form is filled in',
} as const;

export interface ReviewedRequest {
	title: string;
	originator: string;
	form: Array<[label: string, value: string]>;
}

export function isApprovalReview(prompt: string): boolean {
	return prompt.includes(REVIEW_FORMAT_LINE);
}

/** The title, originator and "- Label: value" form lines the prompt quotes (lines after "Form:"). */
export function readReviewedRequest(prompt: string): ReviewedRequest {
	const request: ReviewedRequest = { title: '', originator: '', form: [] };
	let inForm = false;
	for (const line of prompt.split('\n')) {
		if (inForm) {
			if (!line.startsWith('- ')) break;
			const colon = line.indexOf(':', 2);
			if (colon < 0) continue;
			request.form.push([line.slice(2, colon).trim(), line.slice(colon + 1).trim()]);
		} else if (line.startsWith('Title:')) request.title = line.slice(6).trim();
		else if (line.startsWith('Originator:')) request.originator = line.slice(11).trim();
		else if (line.trim() === 'Form:') inForm = true;
	}
	return request;
}

/** The reviewer's answer, in the four lines the prompt asks for. */
export function reviewApproval(prompt: string): string {
	const { title, originator, form } = readReviewedRequest(prompt);
	const facts = form.map(([label, value]) => `${label} ${value || '(empty)'}`).join(', ');
	const summary = `${originator || 'Someone'} asks for "${title}": ${facts || 'an empty form'}.`;
	const answer = (recommendation: string, policy: string, missing = 'none') =>
		[
			`Recommendation: ${recommendation}`,
			`Summary: ${summary}`,
			`Policy: ${policy}`,
			`Missing: ${missing}`,
		].join('\n');
	const empty = form.filter(([, value]) => value === '' || value === '-').map(([label]) => label);
	if (!form.some(([label]) => REASON.test(label))) empty.unshift('Reason');
	if (empty.length) return answer('needs information', REVIEW_POLICIES.missing, empty.join(', '));
	const over = (pattern: RegExp, max: number) =>
		form.some(([label, value]) => pattern.test(label) && Number(value) > max);
	if (over(/day|天/i, MAX_DAYS)) return answer('refuse', REVIEW_POLICIES.days);
	if (over(/amount|金额/i, MAX_AMOUNT)) return answer('refuse', REVIEW_POLICIES.amount);
	return answer('approve', REVIEW_POLICIES.approve);
}
