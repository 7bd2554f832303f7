/**
 * The checks of `npm start -- --check`, shared with `npm run test:compat` (which runs them on another n8n version):
 * every prebuilt flow's manual branch once with `n8n execute`, a message written to the bot for each flow whose
 * DingTalk Trigger takes messages, waiting for the reply, and an approval submitted for the Approval assistant,
 * whose card the approver then clicks.
 */
import {
	DECISION_TEMPLATE_ID,
	DingTalkCallbackPusher,
	type FakeDingTalk,
	robotMessage,
} from '../test/fake-dingtalk';
import { DINGTALK_TRIGGER_TYPE, executeWorkflow, type N8nServer, waitFor } from '../test/harness';
import { streamListeningLine } from '../nodes/DingTalk/trigger/streamMode';
import type { DemoFlow } from './demo';

export interface CheckOutcome {
	flow: string;
	/**
	 * `manual`: the flow's manual test branch with `n8n execute`; `message`: a message written to the bot;
	 * `approval`: an approval submitted, its card clicked by the approver.
	 */
	run: 'manual' | 'message' | 'approval';
	ok: boolean;
	error?: string;
	nodes?: string[];
	reply?: string;
}

/**
 * Flows started by hand (they can run with `n8n execute`), and flows to activate so `n8n start` runs them: every flow
 * with a trigger other than the manual one (DingTalk Trigger, the broadcast's schedule and recall webhook). A flow
 * that is an alternative to another for the same chats says so with meta.publishInDemo = false.
 */
export function splitDemoFlows(flows: DemoFlow[]) {
	const manual = flows.filter((f) =>
		f.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger'),
	);
	const triggered = flows.filter(
		(f) =>
			f.meta?.publishInDemo !== false &&
			f.nodes.some(
				(n) => /trigger$|webhook$/i.test(n.type) && n.type !== 'n8n-nodes-base.manualTrigger',
			),
	);
	return { manual, triggered };
}

/** The last non-empty lines of a process's output, on one line. */
const lastLines = (text: string, count: number) =>
	text
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean)
		.slice(-count)
		.join(' | ');

/** Each flow's manual branch once, with `n8n execute`. */
export async function checkManualFlows(flows: DemoFlow[]): Promise<CheckOutcome[]> {
	const outcomes: CheckOutcome[] = [];
	for (const flow of flows) {
		const result = await executeWorkflow(flow.id);
		outcomes.push({
			flow: flow.name,
			run: 'manual',
			ok: result.ok,
			// n8n prints no run (so no message) when it cannot even build the workflow: its output says why.
			error: result.ok
				? undefined
				: (result.errorMessage ?? lastLines(`${result.raw.stdout}\n${result.raw.stderr}`, 6)),
			nodes: Object.keys(result.runData),
		});
	}
	return outcomes;
}

/**
 * The card template IDs the flows' Send Decision Card nodes name, known to the fake as decision templates (the fake
 * knows its own decision template only; a builder puts the ID of the template they made in DingTalk there).
 */
export function registerDecisionTemplates(fake: FakeDingTalk, flows: DemoFlow[]): void {
	const template = fake.cardTemplates.get(DECISION_TEMPLATE_ID);
	if (!template) throw new Error('the fake DingTalk has no decision card template');
	for (const flow of flows)
		for (const node of flow.nodes) {
			const id = node.parameters?.cardTemplateId;
			if (node.parameters?.operation === 'sendDecisionCard' && id && !id.startsWith('='))
				fake.cardTemplates.set(id, template);
		}
}

/** The flow's DingTalk Triggers that start on the given event (a trigger without Events set takes messages). */
const triggersOn = (flow: DemoFlow, event: 'message' | 'orgEvent') =>
	flow.nodes.filter(
		(n) =>
			n.type === DINGTALK_TRIGGER_TYPE && (n.parameters?.events ?? ['message']).includes(event),
	);

/** n8n activates published workflows in the background: whether all of this flow's Stream triggers listen yet. */
async function streamTriggersListening(server: N8nServer, flow: DemoFlow): Promise<boolean> {
	const triggers = flow.nodes.filter((n) => n.type === DINGTALK_TRIGGER_TYPE).length;
	const line = streamListeningLine(flow.id);
	return await waitFor(() => server.logs.split(line).length - 1 >= triggers, 60_000).catch(
		() => false,
	);
}

/**
 * Writes to each active flow whose DingTalk Trigger takes messages, in the running `server`, as a DingTalk user would
 * (a Stream frame from the fake gateway, or an encrypted, signed callback to the flow's webhook), and waits for the
 * reply.
 */
export async function messageTriggeredFlows(
	fake: FakeDingTalk,
	flows: DemoFlow[],
	server: N8nServer,
): Promise<CheckOutcome[]> {
	const outcomes: CheckOutcome[] = [];
	const user = fake.users.keys().next().value as string;
	for (const flow of flows.filter((f) => triggersOn(f, 'message').length > 0)) {
		const trigger = flow.nodes.find((n) => n.type === DINGTALK_TRIGGER_TYPE);
		const text = `check ${flow.id}`;
		const group = trigger?.parameters?.conversationTypes === 'group';
		const message = () => robotMessage(fake, { text, senderStaffId: user, group, mention: group });
		let send: () => Promise<unknown>;
		if (trigger?.parameters?.mode === 'http') {
			const url = `${server.baseUrl}/webhook/${trigger.webhookId}/callback`;
			await waitFor(
				async () =>
					(await fetch(url)
						.then((r) => r.status)
						.catch(() => 0)) === 200,
			);
			send = async () =>
				await DingTalkCallbackPusher.send(
					url,
					new DingTalkCallbackPusher(fake.apps[0]).encrypted(message()),
				);
		} else {
			// n8n activates published workflows in the background after start-up: a message pushed before this
			// flow's trigger joined the app's connection reaches only the other flows, which drop it by their filters.
			if (!(await streamTriggersListening(server, flow))) {
				outcomes.push({
					flow: flow.name,
					run: 'message',
					ok: false,
					error: 'its DingTalk Trigger did not start listening within 60 s',
				});
				continue;
			}
			send = async () => fake.gateway.pushCallback('/v1.0/im/bot/messages/get', message());
		}
		await send();
		// What the user sees: a reply in the chat, or an AI card with the answer typed in.
		const replies = () => [
			...fake.sentMessages
				.filter((m) => m.channel === 'session')
				.map((m) => JSON.stringify(m.body)),
			...[...fake.cards.values()]
				.filter((c) => c.finalized)
				.map((c) => JSON.stringify(c.fieldValues)),
		];
		const reply = await waitFor(() => replies().find((body) => body.includes(text))).catch(
			() => undefined,
		);
		outcomes.push({
			flow: flow.name,
			run: 'message',
			ok: reply !== undefined,
			reply,
			error: reply ? undefined : 'no reply within 30 s',
		});
	}
	return outcomes;
}

/**
 * For each active flow with a DingTalk Trigger on approval events (the Approval assistant), in the running `server`:
 * an employee submits a leave request in the fake DingTalk (its start event goes to the app's Stream connection), the
 * approver's decision card arrives with the Digital Expert's summary, the approver clicks Approve, and the task is
 * executed in the fake's approval as that approver while the card shows who decided.
 */
export async function approvalTriggeredFlows(
	fake: FakeDingTalk,
	flows: DemoFlow[],
	server: N8nServer,
): Promise<CheckOutcome[]> {
	const outcomes: CheckOutcome[] = [];
	for (const flow of flows.filter((f) => triggersOn(f, 'orgEvent').length > 0)) {
		const fail = (error: string) =>
			outcomes.push({ flow: flow.name, run: 'approval', ok: false, error });
		if (!(await streamTriggersListening(server, flow))) {
			fail('its DingTalk Triggers did not start listening within 60 s');
			continue;
		}
		const [processCode] = String(
			triggersOn(flow, 'orgEvent')[0].parameters?.approvalProcessCodes ?? '',
		).split(',');
		const originator = [...fake.users.keys()].find((id) => id.startsWith('eng')) as string;
		const submitted = fake.workflow.submit({
			processCode: processCode.trim(),
			originatorUserId: originator,
			form: {
				'Leave Type': 'Annual',
				Start: new Date().toISOString().slice(0, 10),
				Days: 2,
				Reason: `check ${flow.id}`,
			},
		});
		const context = JSON.stringify({
			processInstanceId: submitted.processInstanceId,
			taskId: String(submitted.taskIds[0]),
		});
		const outTrackId = await waitFor(
			() =>
				[...fake.cards.entries()].find(
					([id, card]) => id.startsWith('decision-') && card.cardData.context === context,
				)?.[0],
			60_000,
		).catch(() => undefined);
		if (!outTrackId) {
			fail('no decision card for the submitted approval within 60 s');
			continue;
		}
		const task = () =>
			fake.workflow.instances
				.get(submitted.processInstanceId)
				?.tasks.find((t) => t.taskId === submitted.taskIds[0]);
		const approver = task()?.userId as string;
		const click = await fake.clickCard({ outTrackId, userId: approver, button: 'approve' });
		const card = fake.cards.get(outTrackId);
		const executed = task()?.status === 'COMPLETED' && task()?.result === 'AGREE';
		const shown = card?.cardData.decided === 'true' && card.cardData.decidedBy === approver;
		outcomes.push({
			flow: flow.name,
			run: 'approval',
			ok: executed && shown,
			reply: `${card?.cardData.summary ?? ''} | ${card?.cardData.statusText ?? ''}`,
			error:
				executed && shown
					? undefined
					: `after ${approver}'s click the task is ${task()?.status}/${task()?.result} and the card ${JSON.stringify(card?.cardData)} (answer ${JSON.stringify(click.answer)})`,
		});
	}
	return outcomes;
}

/**
 * What `--check` requires (CI runs it on a fresh clone before `npm test`): every flow ran, and against the fakes the
 * broadcast reached DingTalk and each Digital Expert flow answered a message written to the bot with the expert's words.
 */
export function checkProblems(outcomes: CheckOutcome[], dingTalkRequests?: string[]): string[] {
	const problems = outcomes.filter((o) => !o.ok).map((o) => `${o.flow}: ${o.error ?? 'failed'}`);
	if (!outcomes.length) problems.push('no flow ran');
	if (dingTalkRequests) {
		if (!dingTalkRequests.includes('POST /v1.0/robot/oToMessages/batchSend → 200'))
			problems.push('the broadcast flow sent nothing to DingTalk');
		const experts = outcomes.filter(
			(o) => o.run === 'message' && o.flow.startsWith('DingTalk ↔ Digital Expert'),
		);
		if (experts.length !== 3)
			problems.push(`expected the 3 Digital Expert flows to be checked, got ${experts.length}`);
		for (const o of experts)
			if (!o.reply?.includes('IT Helpdesk'))
				problems.push(`${o.flow}: the answer is not the expert's`);
		const approvals = outcomes.filter((o) => o.run === 'approval');
		if (approvals.length !== 1)
			problems.push(`expected the Approval assistant to be checked, got ${approvals.length}`);
		for (const o of approvals)
			if (!o.reply?.includes('Digital Expert recommends: Approve'))
				problems.push(`${o.flow}: the card does not carry the expert's recommendation`);
		if (!dingTalkRequests.includes('POST /v1.0/workflow/processInstances/execute → 200'))
			problems.push('the Approval assistant executed no approval task');
	}
	return problems;
}
