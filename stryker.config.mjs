// @ts-check
/**
 * Mutation testing (`npm run mutation`, StrykerJS): the floors that guard users — callback crypto, the HTTP callback
 * verifier, the event pipeline, the Stream connection, the transport and the Send and Wait response code — are
 * mutated one change at a time, and each mutant must make a unit test fail. Scores per folder are in the README
 * (Development). Not part of `npm test` or CI: a full run takes long.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
	mutate: [
		'nodes/DingTalk/crypto/**/*.ts',
		'nodes/DingTalk/http/**/*.ts',
		'nodes/DingTalk/pipeline/**/*.ts',
		'nodes/DingTalk/stream/**/*.ts',
		'nodes/DingTalk/transport/**/*.ts',
		'nodes/DingTalk/actions/message/response*.ts',
		'nodes/DingTalk/actions/message/waitLimit.ts',
	],
	// The jest runner, each mutant loading only the test files of its covering tests (scripts/stryker-jest-by-test-file.mjs).
	testRunner: 'jest-by-test-file',
	plugins: ['@stryker-mutator/*', './scripts/stryker-jest-by-test-file.mjs'],
	// The unit project only (jest.mutation.config.js); the e2e suite starts real n8n processes.
	jest: {
		projectType: 'custom',
		configFile: 'jest.mutation.config.js',
		// The dry run (and a mutant whose tests cannot all be placed) loads only the test files that import the
		// mutated files (jest --findRelatedTests): loading every unit test file made a run several times slower.
		enableFindRelatedTests: true,
	},
	// Each mutant runs only the tests that reached its code in the initial run.
	coverageAnalysis: 'perTest',
	// Static mutants (module-level constants: the 1 MB body cap, the 13-digit timestamp pattern, option texts) are
	// reached by no test in particular, so each reruns the whole unit suite: in the crypto/ and http/ run 12 % of the
	// mutants were estimated at 56 % of the time. They are left out by default (reported as Ignored); the constants
	// that guard users are pinned by tests at their edges (test/unit/http/callbackVerifierEdges.test.ts).
	// `npm run mutation -- --ignoreStatic false` measures them too.
	ignoreStatic: true,
	// A mutant that does not compile is not a test gap: the TypeScript checker discards it before any test runs.
	// It checks the package's sources only (tsconfig.mutation.json), without the style rules noUnusedLocals and
	// noImplicitReturns: a mutant that empties a block leaving a local unused still changes behaviour and must be
	// tested, and leaving the test files out makes each check several times cheaper.
	checkers: ['typescript'],
	tsconfigFile: 'tsconfig.mutation.json',
	// ts-jest transpiles only; Stryker's `// @ts-nocheck` must reach the mutated sources (default: src/, lib/, test/).
	disableTypeChecks: 'nodes/**/*.ts',
	// Reruns test only the mutants whose code or tests changed since the last run. The incremental file is a local
	// cache (reports/, ignored): it changes with every edit, and a committed copy would conflict on every merge.
	incremental: true,
	incrementalFile: 'reports/mutation/stryker-incremental.json',
	// The development machine has 2 cores shared with other work: one test runner, one checker.
	concurrency: 1,
	// Equivalent mutants (no test can tell them from the original; each was tried by hand):
	// - crypto/CallbackCrypto.ts, constructor: `this.key.length !== 32` and its message. describeAesKeyProblem has
	//   already required 43 letters and digits, which with one "=" always decode to 32 bytes: the check cannot fire.
	// - crypto/CallbackCrypto.ts, decryptCiphertext: `lengthOk = content.length >= 20 && …` -> `true && …`. Under 20
	//   bytes the length read is 0, and `20 + 0 <= content.length` is false already.
	// - crypto/CallbackCrypto.ts, decryptCiphertext: the 'AES decryption failed' text (no test reaches it). Without
	//   auto padding, AES-CBC decryption of whole blocks (decodeCiphertext checked) cannot fail.
	// - crypto/CallbackCrypto.ts, aesDecrypt: the catch block `{ return undefined; }` emptied. A function that ends
	//   without a return gives undefined all the same (valid only without noImplicitReturns: tsconfig.mutation.json).
	// - crypto/CallbackCrypto.ts, verifyRobotSignature: `String(sign ?? '')` -> any other fallback text. A missing
	//   sign fails the comparison with either text.
	// - http/ReplayGuard.ts, check(): `if (known !== undefined) delete` -> `if (true) delete`. Deleting a key the Map
	//   does not hold changes nothing.
	// - http/HttpCallbackVerifier.ts, reject(): `detail === undefined ? {…} : {…, detail}` -> always with `detail`.
	//   An undefined detail is no detail: the answer never shows it and the log line tests it for truth.
	// - http/HttpCallbackVerifier.ts, digest(): the '\0' separator, and the labels 'encrypted' / 'plain' (and
	//   identityDigest's 'card' / 'message') emptied. The parts are fixed-length (ciphertext alone; a 13-digit timestamp,
	//   a 44-character signature) or differ in number, so no two keys can collide either way.
	// - http/HttpCallbackVerifier.ts, verifyRequest: the content type's fallback `''` -> any other text that does not
	//   start with application/json: both refuse a missing Content-Type (415).
	// - http/HttpCallbackVerifier.ts, replayProblem: `seen === 'tooOld'` -> false. heldByMeaning checks the same
	//   expiry against the same floor next and refuses it the same way.
	// - http/HttpCallbackVerifier.ts, verify(): `(error as Error)?.message` -> `.message`. What the verifier's own code
	//   throws is an Error, never null.
	// - http/HttpCallbackVerifier.ts, cardMeaning(): `JSON.stringify(field) ?? ''` fallback text. Only undefined
	//   stringifies to undefined, and a card is read only when it has a value or content from JSON (never undefined).
	// - http/HttpCallbackVerifier.ts, header(): `??` -> `&&`. Every caller passes a lower-case name, so both lookups
	//   are the same one.
	// - http/HttpCallbackVerifier.ts, constructor: `settings.callbackAesKey.trim()` dropped. Node's base64 decoder
	//   skips blanks, so the untrimmed key decodes to the same 32 bytes.
	// - http/HttpCallbackVerifier.ts, callbackSecretsState: `aesKeySet &&` dropped. A blank key already fails
	//   describeAesKeyProblem ("empty").
	// - http/HttpCallbackVerifier.ts, header(): `name.toLowerCase()` -> `name`. Every caller passes a lower-case name.
	// - actions/message/waitLimit.ts: `String(limit.maxDateAndTime ?? '')` -> `String(limit.maxDateAndTime)`, or the
	//   fallback `''` -> any other text that is no date ("Stryker was here!"). "undefined" is no date either, so all
	//   give the same refusal.
	// - actions/message/responseConfig.ts, readResponseType: `read('responseType', 'approval')` fallback -> `''`. Any
	//   value but 'freeText' and 'customForm' reads as 'approval', '' included.
	// - actions/message/responseConfig.ts, readCustomFields: `read('defineForm', 'fields')` fallback -> `''`. Only
	//   'json' chooses the Form JSON; '' and 'fields' both choose the fields below.
	// - actions/message/responseConfig.ts, readSendAndWaitConfig: `read('approvalOptions.values.approvalType',
	//   'single')` fallback -> `''`. Only 'double' gives two buttons; '' and 'single' both give one.
	// - actions/message/responseWebhook.ts: the content type's fallback `''` -> any other text that does not start
	//   with multipart/form-data: both refuse a missing Content-Type (415).
	// - transport/tokenCache.ts, usableMs: either `Math.max(0, …)` dropped. A lifetime of 0 or less then gives an
	//   expiry in the past instead of now; the cache reuses a token only while `expiresAt > now`, so neither is reused.
	// - stream/frames.ts, parseDownstream: `typeof value.type !== 'string' ||` dropped. FRAME_TYPES holds strings
	//   only, so `has` refuses any other type the same way.
	// - actions/message/responseForm.ts, readFormDefinition: `options: type === 'dropdown' ? options : []` -> always
	//   `options`. The options of any other field are read by nobody: the page renders choices only for a dropdown
	//   and readAnswer checks them only for a dropdown.
	// - actions/message/responseForm.ts, isCalendarDate: `date.getUTCMonth() === month - 1` -> true, and
	//   `date.getUTCDate() === day` -> true (each alone). With the year kept, a month out of 1..12 or a day out of the
	//   month moves the month and changes the day, so the two other checks refuse it already (tried for every
	//   month and day 00..99 over years 0..129, 1899..2100, 9998, 9999).
	// - actions/message/responsePage.ts, pageLanguage: the fallback `''` for a header that is no text -> any other
	//   text that does not start with "zh": both give English.
	// pipeline/ (Decisions, Deduplicator, RunLimiter, SessionStore):
	// - pipeline/Decisions.ts, claim() settle: `if (this.entries.get(key) === held) delete` -> `if (true) delete`. An
	//   entry in flight leaves the Map only here, when its last run fails (prune and the age check drop decided
	//   entries only; a decision re-sets the same entry; a second click of the card is answered, never stored), so
	//   at that moment it is always the entry at its key.
	// - pipeline/Deduplicator.ts, admit() settle('notStarted'): `if (this.entries.get(id) === next) delete` ->
	//   `if (true) delete`. While in flight `next` stays the entry for its ID (admit replaces settled entries only,
	//   prune skips entries in flight), and EventPipeline.admitted settles each admission once (in its catch or after
	//   the run, never both): when 'notStarted' comes, `next` is still there.
	// - pipeline/Deduplicator.ts, admit() settle: `if (outcome === 'failed') next.failures++` -> `if (true) …`. The
	//   failures of a succeeded entry are never read: admit answers it with run: false before looking at them, once
	//   it expires it is forgotten with its count (`entry` is undefined, the next run counts from 0), and a waiter's
	//   retry tests the outcome first. (Each admission is settled once, as above.)
	// - pipeline/RunLimiter.ts, acquire(): `this.running < this.max && this.waiting.length === 0` -> `… && true`.
	//   Messages wait only while every run is taken, and a freed run is handed to the first waiting message in the
	//   same synchronous call (take() inside release), so whenever one waits `running < max` is false already; close
	//   empties the queue.
	// pipeline/events.ts (message content, lines up to 172):
	// - pipeline/events.ts, num(): `typeof value === 'string' && value.trim() !== ''` -> `… && true`, -> `value !== ''`
	//   (trim dropped) and -> `value.trim() !== 'Stryker was here!'`. The test only keeps empty and blank strings from
	//   Number(), and Number('') and Number() of any blank string are 0 (Number trims the same white space as trim()),
	//   which is what the fallback gives; any other text Number() reads the same way on both paths.
	// - pipeline/events.ts, textOf() rich text: `.filter(Boolean)` dropped before `.join('')`. It removes only empty
	//   strings, which add nothing to a join with no separator.
	// - pipeline/events.ts, quotedRichText(): the `[]` for parts that are no list -> `["Stryker was here"]`, and
	//   quotedCard(): the `[]` for blocks that are no list -> the same. A string entry is no JSON object and is skipped
	//   (`continue`) before anything is read or counted, so one entry or none give the same empty quote.
	// pipeline/events.ts (quotes and message fields, lines from 185):
	// - pipeline/events.ts, quoteSnapshotOf: `return { snapshot: place.repliedMsg, isReply: true }` and
	//   `return { snapshot: place.quoteMessage, isReply: true }`, `true` -> `false` (each alone). Its only caller,
	//   quotedOf, reads `isReply` only when there is no snapshot (`!snapshot && !isReply`); both returns carry one.
	// - pipeline/events.ts, cardValueOf: `catch { return undefined; }` -> `catch {}`. The catch is the function's last
	//   statement, so falling out of it returns undefined all the same.
	// pipeline/EventPipeline.ts (set-up, org events, closing; lines up to 178):
	// - pipeline/EventPipeline.ts, handleOrgEvent: `if (unreadableOrgEvent(callback.data)) return null` -> `if (false)`.
	//   Its only caller, handle(), has returned null already for `unreadableEvent(TOPIC_ORG_EVENT, data)`, which is
	//   `unreadableOrgEvent(data)`: the check repeats one made on the same data.
	// - pipeline/EventPipeline.ts, close(): `if (this.closing) return` -> `if (false)`. A second close finds nothing
	//   to flush or drop: once closing, handle() and admitted() refuse every delivery (a redelivery that retries too),
	//   and a run's work reaches aggregator.add synchronously after that check, so flushAll and discardAll of the
	//   empty aggregator do nothing and no line is logged (the lifecycle test closes three times).
	// - pipeline/EventPipeline.ts, withDeadline: `if (this.closing) throw new Error('the trigger is closing')` ->
	//   `if (false)`, and its message -> "". Unreachable since admitted() refuses once closing: every emit follows
	//   that check synchronously (the work runs to this.emit with no await before it), or comes from the aggregator,
	//   whose batches are sent by flushAll before `closing` is set, or by the timer of a batch added before close
	//   (discardAll clears those, and none can be added after). Kept as a guard.
	// - pipeline/EventPipeline.ts, withDeadline: `timer.unref?.()` -> `timer.unref()`. n8n runs on Node only, where
	//   setTimeout (and jest's fake one) returns a Timeout that always has unref; the `?.` matters only on a runtime
	//   whose timers are numbers.
	// pipeline/EventPipeline.ts (filters, aggregation, card callbacks; lines from 195):
	// - pipeline/EventPipeline.ts, handleCardCallback: the fallback `SessionStore.keyFor(conversationId, userId, false,
	//   false)`, either `false` -> `true` (each alone). keyFor joins the conversation alone only when BOTH isGroup and
	//   sharedInGroup are true; with one of them true the key is still `conversationId|userId`.
	// - pipeline/EventPipeline.ts, readDecisionClick: `catch { return undefined; }` -> `catch {}`. The catch is the
	//   function's last statement, so falling out of it returns undefined all the same.
	// transport/credentials.ts, n8n.ts, senders.ts (tA2):
	// - transport/credentials.ts, baseUrl: `/^https?:\/\/[^/\s]+/i` -> `/^https?:\/\/[^/\s]/i` (`+` dropped). The
	//   pattern has no end anchor, so `test` finds one host character after "//" exactly when it finds one or more.
	// transport/DingTalkClient.ts (tA1)
	// - transport/DingTalkClient.ts, networkError: the fallback `''` in `/timeout/i.test(raw?.message ?? '')` -> any
	//   other text without "timeout" ("Stryker was here!"). It is tested only when the failure has no message, and
	//   neither text says timeout, so both read it as no timeout.
	// - transport/DingTalkClient.ts, querySecretsOf: the `[]` for a path without a scheme -> `["Stryker was here"]`.
	//   It adds StrykerJS's own marker to the texts masked in an error; only a test written around the marker could
	//   tell, which would test the mutation tool rather than the client (no real answer is changed).
	// transport/streamingBudget.ts (tC1)
	// - transport/streamingBudget.ts, setRate: `if (rate === this.configuredRate) return` -> `if (false)`. With the
	//   same rate the formula gives `min(rate, max(this.rate * 1, rate / 8))`, and the current rate always lies
	//   between an eighth of the configured one and the configured one (throttled floors it there, succeeded and
	//   setRate cap it), so it is left as it was: the early return only skips a no-op.
	// - transport/streamingBudget.ts, acquire's leave: `if (index >= 0) queue.splice(index, 1)` -> `if (true)`.
	//   leave runs only while its waiter is queued: the waiter leaves the queue only through leave itself or pump,
	//   and both call cleanup at once, which clears the deadline timer and removes the abort listener (a listener
	//   removed while the signal dispatches its abort, as when two waits share a signal, is not called), so index
	//   is never -1.
	// transport/streamingBudget.ts (tC2)
	// - transport/streamingBudget.ts, acquire(): `signal?.addEventListener('abort', leave, { once: true })` -> `{}` or
	//   `{ once: false }`. Every way out of a wait (slot granted, deadline, abort) runs waiter.cleanup, which removes
	//   the same listener (removeEventListener matches on the capture flag only, not on once); on abort, leave calls
	//   cleanup before anything else can dispatch again, so the listener runs at most once either way.
	// - transport/streamingBudget.ts, succeeded(): `if (this.rate < this.configuredRate)` -> `true`, or `<=`. The rate
	//   is never above the configured one (the constructor sets it equal; setRate caps it at the new rate with
	//   Math.min; throttled only lowers it; succeeded caps it with Math.min), so when the test is false the rate
	//   equals the configured one and `Math.min(configured, rate + configured / 20)` gives it back unchanged.
	// - transport/streamingBudget.ts, streamingBudgetFor: `if (budgets.size >= MAX_BUDGETS)` -> `true`. Below 256 the
	//   loop's first step meets `if (budgets.size < MAX_BUDGETS) break` before looking at any budget (and an empty Map
	//   gives no step), so nothing is deleted either way.
	// transport/orgEvents.ts (tB2)
	// - transport/orgEvents.ts, text(): `typeof value === 'number' && Number.isFinite(value)` -> `true && …`.
	//   Number.isFinite does not coerce: it is false for every value that is not a number, so the typeof test
	//   repeats it.
	// - transport/orgEvents.ts, orgEventFromStream: the fallback `headers.eventType ?? ''` -> "Stryker was here!".
	//   Neither text matches EVENT_TYPE (the marker has a space and a "!"), so a frame without eventType is refused
	//   with the same problem either way.
	// transport/errors.ts, errorHints.ts (tB1)
	// - transport/errorHints.ts, saysRobotMissing: `not >= 0` -> `not > 0`. `not` is indexOf('not', robot + 5) with
	//   robot >= 0, so it is -1 or at least 5: never 0.
	// - transport/errorHints.ts, saysRobotMissing: `line.includes('exist', not + 3)` -> `not - 3`. The extra start
	//   positions not - 3 .. not + 2 would put "exist" over the "not" found at `not`, and every such overlap needs a
	//   letter of "not" to be one of "exist" ("s", "i", "x", "e" against "n", "o", "t"): no line has "exist" there.
	// - transport/errors.ts, interpretResponse: `classify('', status)` for a non-JSON 429 or 5xx -> any other code
	//   text ("Stryker was here!"). It is only reached with status 429, which the first row (flowControl) matches by
	//   status, or >= 500, which the server row matches by status, and the text matches no row above it (no listed
	//   code, no "robot", no permission code), so both give the same kind and hint.
	// stream/frames.ts, probe.ts, registry.ts (sA2)
	// - stream/frames.ts, parseCallbackData: the catch block `{ return undefined; }` emptied. A function that ends
	//   without a return gives undefined all the same (valid only without noImplicitReturns: tsconfig.mutation.json).
	// stream/StreamSdkClient.ts (sA1)
	// - stream/StreamSdkClient.ts, constructor: `keepAlive: false` -> `true`. The SDK reads config.keepAlive only in
	//   its own _connect (heartbeat interval) and disconnect (clearInterval), both overridden here; getConfig() would
	//   copy it, but nothing calls getConfig. StreamConnection sends its own pings.
	// - stream/StreamSdkClient.ts, _connect: `this.internals.userDisconnect = false` -> `true`, and disconnect:
	//   `this.internals.userDisconnect = true` -> `false`. The SDK reads userDisconnect only in its own close handler
	//   (in its _connect, overridden) and in connect()'s catch, as `autoReconnect && !userDisconnect`: autoReconnect
	//   is set false in the constructor and never changed (pinned: a failed connect() starts no retry), so the test is
	//   false either way; nothing in the package reads the field.
	// - stream/StreamSdkClient.ts, disconnect: `socket?.removeAllListeners('close')` -> `('')`. The old socket's close
	//   listener then still runs, but emits only when `this.internals.socket === socket`, which disconnect has cleared
	//   and _connect only ever sets to a new socket; what is left sets connected and registered false, which they
	//   already are: terminate() closes the socket in the event loop's next turn, before a new socket can finish its
	//   TCP connect and upgrade (tried: _connect right after disconnect, the old close comes first).
	// - stream/StreamSdkClient.ts, disconnect: `socket?.on('error', () => undefined)` -> `on('', …)`. Every socket is
	//   made by _connect, whose 'error' listener disconnect does not remove: an error after terminate() is handled
	//   (reject of a settled or pending promise, or 'socket-error') the same with or without the extra no-op.
	// stream/StreamConnection.ts (sB1b)
	// - stream/StreamConnection.ts, reconnect(): `this.state === 'idle'` -> `false`. reconnect() goes on only with a
	//   subscriber, and a connection with a subscriber is never idle: subscribe() adds the handler and sets
	//   'connecting' in the same synchronous run (syncEventSubscription in between emits nothing while not
	//   connected), and a failed first subscribe leaves it 'stopped'. The 'stopped' test alone decides.
	// - stream/StreamConnection.ts, connectOnce(): `this.state === 'stopped'` -> `false` in the stale-connect test.
	//   Only halt() sets 'stopped', and it bumps the generation in the same step; connectOnce reads its generation
	//   synchronously after the caller set 'connecting', so a connect that finds 'stopped' always finds a newer
	//   generation too, and `generation !== this.generation` already drops it.
	// stream/StreamConnection.ts (sB1a)
	// - stream/StreamConnection.ts, field `eventsSubscribed = false` -> `true`. status() reads it only while the state
	//   is 'connected', and connectOnce sets it (`this.eventsSubscribed = withEvents`) just before it first sets that
	//   state, so the initial value is never read.
	// - stream/StreamConnection.ts, field `awaitingPong = false` -> `true`. It is read only in the keep-alive
	//   interval, which startKeepAlive creates just after setting it to false, so the initial value is never read.
	// stream/StreamConnection.ts (sB2b)
	// - stream/StreamConnection.ts, onEvent: `if (wanting.length === 0)` -> `false`, and its block `{ ack('SUCCESS');
	//   return; }` emptied. With nobody wanting the event the code goes on: `wanting.length === 1` is false, so
	//   `Promise.allSettled([])` gives [], eventAckStatus([]) is 'SUCCESS' (no rejection), no warning, and the same
	//   ack('SUCCESS') is sent; building the callback object has no effect.
	// - stream/StreamConnection.ts, onEvent `wanting.length === 1` -> `false`, and onCallback `this.handlers.size === 1`
	//   -> `false`: the lone handler goes through Promise.allSettled([async (h) => await h(callback)]) instead of
	//   runOne. Both catch a synchronous throw and a rejection alike (the async wrapper turns a throw into a
	//   rejection) and give the same one settled result; runOne is only a fast path. (size 0 took allSettled anyway.)
	// - stream/StreamConnection.ts, onCallback ack(): `generation !== this.generation` -> `false`. Every step that
	//   bumps the generation (halt, onSocketLost) calls sdk.disconnect(), which terminate()s the socket: ws sets its
	//   readyState to CLOSING at once, so `socket.readyState !== socket.OPEN` already refuses the late ACK; connectOnce's
	//   bump only ever follows one of those.
	// - stream/StreamConnection.ts, onCallback ack(): `socket.readyState !== socket.OPEN` -> `false`. A socket the
	//   package closed has a newer generation (above); one the gateway closes before onSocketLost runs is CLOSING or
	//   CLOSED, and ws's send() on it sends nothing and (no callback given) throws nothing. It cannot be CONNECTING:
	//   the frame came on it.
	// - stream/StreamConnection.ts, onCallback answers filter: the whole `r.status === 'fulfilled' && r.value !==
	//   undefined && r.value !== null` -> `true`, and `r.value !== undefined` / `r.value !== null` -> `true`. Any
	//   rejected result returned before the filter, so every result is fulfilled. An undefined or null answer then joins the merge, where it is the identity: mergeAnswers(x,
	//   undefined|null) is `b ?? a` = x, mergeAnswers(undefined|null, x) is x, and a merge of only undefined/null gives
	//   undefined or null, which callbackAck sends as `response: null` (its default) like the original's `?? null`.
	//   isStandInAnswer(undefined|null) is false, so the sort only moves them among the non-stand-ins.
	// - stream/StreamConnection.ts, onCallback: `answers.length > 1` -> `>= 1`. reduce() without a seed on one element
	//   returns that element, the same as `answers[0] ?? null`.
	// - stream/StreamConnection.ts, mergeAnswers: `writable: true` -> `false`, `configurable: true` -> `false`. The
	//   merged object is only read: by the next mergeAnswers (which spreads it into a new object and never writes to
	//   it; each key of b is defined once) and by JSON.stringify in callbackAck. mergeAnswers is used nowhere else.
	// stream/StreamConnection.ts (sB2a)
	// - stream/StreamConnection.ts, scheduleRetry(): `this.handlers.size === 0` -> `false`. Handlers only shrink in
	//   unsubscribe() and in subscribe()'s catch, and both stop() (state 'stopped') when none is left; a connection
	//   that never had one is 'idle' and has no socket, timer or connect to call scheduleRetry. So whenever there is
	//   no handler the state is 'stopped' and `this.state === 'stopped'` (pinned in streamConnectionRetry.test.ts)
	//   already returns.
	// - stream/StreamConnection.ts, scheduleRetry()'s timer: `this.state === 'stopped'` -> `false`. Only halt() sets
	//   'stopped', and it clears retryTimer; scheduleRetry clears the previous timer before it sets the next and
	//   returns while stopped, so a retry timer that fires was set after the last halt() and finds the state it set
	//   ('retrying') or a later non-stopped one.
	// - stream/StreamConnection.ts, onEvent()'s ack: `generation !== this.generation` -> `false`. The closure holds the
	//   SDK's socket of the moment the frame was read. Every generation bump comes with the end of that socket: halt()
	//   and onSocketLost() terminate() it first (readyState CLOSING at once, never OPEN again), and connectOnce() runs
	//   only after such a terminate or a failed connect, bumping before its own socket exists. So a changed generation
	//   always meets a socket that is not OPEN, and `readyState !== OPEN` returns the same.
	// - stream/StreamConnection.ts, onEvent()'s ack: `socket.readyState !== socket.OPEN` -> `false`. ws's send() on a
	//   CLOSING or CLOSED socket without a callback only counts the bytes (sendAfterClose): nothing is sent, nothing is
	//   thrown. The held socket is never CONNECTING: it is the open socket that read the frame, or undefined for a
	//   frame read after disconnect() (cleared; the `!socket` test returns), since a new socket needs a retry timer and
	//   a ticket over HTTP, long after the terminated socket's last buffered frames are read.
	// Code changed by this round's fixes, measured after them (run "fixes"):
	// - transport/streamingBudget.ts, streamingBudgetFor: `budgets.size >= MAX_BUDGETS` -> `true`. Below the bound the
	//   loop meets `if (budgets.size < MAX_BUDGETS) break` before touching a budget (an empty map gives no step).
	// - stream/StreamConnection.ts, connectOnce's `superseded`: `this.state === 'stopped'` -> `false`. Only halt() sets
	//   'stopped', and it raises the generation in the same step, so the generation check already answers.
	// - stream/StreamConnection.ts, connectOnce: the check after `_connect` (`superseded()` -> `false`, and its block
	//   emptied). With the checks after the ticket and in the catch, a connect can be superseded only during its
	//   handshake, and superseding closes its socket first, which rejects `_connect`: the check is kept as a guard.
	// - pipeline/EventPipeline.ts, emitAggregated: `let ok = false` -> `true`. It is read only when emit threw, and then
	//   `notStarted` holds the error, so every delivery rejects with it whatever `ok` says (emit throws Errors only).
	// n8n installs, e2e user folders and build output are not sources: keep them out of the sandbox copy.
	ignorePatterns: ['dist', '.cache', '.e2e', '.demo', 'coverage', 'reports', '*.tgz'],
	reporters: ['clear-text', 'progress', 'html', 'json'],
	htmlReporter: { fileName: 'reports/mutation/mutation.html' },
	jsonReporter: { fileName: 'reports/mutation/mutation.json' },
	thresholds: { high: 90, low: 85, break: null },
	tempDirName: '.stryker-tmp',
	cleanTempDir: true,
};
