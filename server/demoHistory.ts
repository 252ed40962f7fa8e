// The supervisor's demo history: about 150 applications decided over the last 28 days by reviewer3 and reviewer4
// only, so reviewer1's and reviewer2's workstations see what they saw before. Every row is made by the service's own
// intake, assignment, mutation and review paths, on a copy of the service whose clock is set to the moment each
// step happened: application status and version, the changes feed, the decision, verification and review rows all
// agree as they would in a real month. Identities of their own (no document or enterprise of an open demo
// application), so no open application's facts change. A few identities stand for many decisions, as the rules
// allow (each distinct image is drawn once, which is what seeding time is made of): five accounts per enterprise and
// the sixth refused, a resubmission after a rejection, a verified document tried again on another account.
import { addLocalDays, localDate, startOfLocalDay } from '../shared/businessDays';
import type { ApplicationEnvelope, DecisionMutation } from '../shared/contract/central';
import type { JudgedOn } from '../shared/contract/cases';
import type { ApplicantLanguage, ApplicationKind, DecisionOutcome, EnterpriseIdentity, Identity, IndividualIdentity, ReasonCode } from '../shared/domain';
import { seededRandom } from '../shared/prng';
import { evaluateRules, overriddenRules } from '../shared/rules';
import type { Database, Queryable } from './db';
import { applySupervision } from './quality';
import { CentralService, type CheckedDocument } from './service';
import { USCC_ALPHABET, withMod11_2Check, withUsccCheck } from '../shared/documentNumbers';

/** Who decided the history: reviewers no test or e2e workstation signs in as. */
export const historyReviewers = ['reviewer3', 'reviewer4'] as const;
const historySupervisor = 'supervisor1';
const supervisor = { username: historySupervisor, displayName: 'Supervisor One', role: 'supervisor' } as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Random = () => number;

/** A v7-shaped UUID from the generator (deterministic, so the demo's ids are the same every time). */
export function demoUuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * What a reviewer's workstation sends as the evidence of a decision made at `at` on this envelope (as
 * electron/store records it): the flags and the R4 input then, and the blocking rules passed with the override note.
 */
export function workstationEvidence(
  service: CentralService,
  envelope: ApplicationEnvelope,
  at: Date,
  outcome: DecisionOutcome,
  overrideNote: string | null,
  openedAt: Date | null,
): Pick<DecisionMutation, 'judgedOn' | 'overriddenRules' | 'openedAt'> {
  const flags = evaluateRules({ application: envelope.application, facts: envelope.facts, quality: [], now: at, calendar: service.options.calendar });
  const judgedOn: JudgedOn = { flags, lastVerifiedAt: envelope.facts.lastVerifiedAt };
  return { judgedOn, overriddenRules: overriddenRules(flags, outcome, overrideNote), openedAt: openedAt?.toISOString() ?? null };
}

/**
 * How long a reviewer had a case open before deciding (the handling time): mostly a few minutes, some a long look,
 * never before it was assigned to them.
 */
export function demoOpenedAt(random: Random, assignedAt: Date, madeAt: Date): Date {
  const roll = random();
  const minutes = roll < 0.75 ? 2 + random() * 13 : roll < 0.95 ? 15 + random() * 30 : 45 + random() * 75;
  return new Date(Math.max(assignedAt.getTime(), madeAt.getTime() - minutes * 60_000));
}

/** One step of an identity's story, before it is given its moments. */
interface Step {
  accountId: string;
  kind: ApplicationKind;
  identity: Identity;
  registrationLocation: string;
  outcome: DecisionOutcome;
  reasonCodes: ReasonCode[];
  overrideNote: string | null;
}

export interface HistoryDecision extends Step {
  applicationId: string;
  decisionId: string;
  applicantLanguage: ApplicantLanguage;
  reviewer: (typeof historyReviewers)[number];
  deviceId: string;
  offline: boolean;
  submittedAt: Date;
  assignedAt: Date;
  /** The reviewer's device clock when first opening the case, and when deciding (hours before decidedAt when made offline). */
  openedAt: Date;
  madeAt: Date;
  /** When the central service applied it. */
  decidedAt: Date;
  /** Held by four-eyes under the default policy (an approval past R1, a suspected_tampering rejection). */
  held: boolean;
  /** Nothing later in its story depends on it (its account, document or enterprise), so it may be overturned. */
  lastOfStory: boolean;
  /** supervisor1's four-eyes verdict on a held decision; recent held ones that end their story stay pending. */
  secondReview: HistoryReview | null;
  /** supervisor1's quality review. */
  review: HistoryReview | null;
}

export interface HistoryReview {
  id: string;
  verdict: 'agree' | 'overturn';
  reason: string;
  at: Date;
}

export interface HistoryPlan {
  decisions: HistoryDecision[];
  /** Each distinct identity once, for drawing its image up front. */
  identities: Identity[];
}

const surnames = ['ZHOU', 'QIAN', 'FENG', 'DENG', 'CAO', 'PENG', 'ZENG', 'XIAO', 'TIAN', 'DONG', 'PAN', 'YUAN', 'CAI', 'JIANG', 'YU', 'DU'];
const givenNames = ['Xiaoming', 'Yuqing', 'Haoran', 'Zixuan', 'Jiahui', 'Yuting', 'Wenjie', 'Shuang', 'Kai', 'Rui', 'Xin', 'Bo'];
const westernNames = ['Clara Weber', 'Tomas Horvat', 'Ines Moreau', 'Oliver Brandt', 'Elena Petrova', 'Jonas Berg'];
const enterpriseStems = [
  'Evergreen Semiconductor', 'Willow Creek Biotech', 'Phoenix Cloud Services', 'Orchid Retail', 'Granite Fintech',
  'Maple Education', 'Coral Bay Tourism', 'Falcon Drones', 'Bamboo Grove Textiles', 'Starlight Studios',
  'Ironwood Machinery', 'Tea Horse Commerce',
];
const cities = ['Shenzhen', 'Guangzhou', 'Dongguan', 'Foshan', 'Zhuhai', 'Xiamen', 'Nanjing'];
const streets = ['Shennan Avenue', 'Huacheng Avenue', 'Binhai Road', 'Jiefang Road', 'Zhongshan Road'];

const applicantMessages: Partial<Record<ReasonCode, string>> & { approve: string } = {
  approve: 'Your identity has been verified.',
  document_unreadable: 'We could not read your document. Please upload a sharp photo of the whole document, without glare.',
  document_expired: 'Your document has expired. Please submit a valid document.',
  document_type_not_accepted: 'This type of document is not accepted. Please submit an identity card or a passport.',
  issuing_location_mismatch: 'Your document must be issued in the place where the account is registered.',
  name_mismatch: 'The name you entered does not match the name on your document. Please correct it and submit again.',
  number_mismatch: 'The document number you entered does not match your document. Please correct it and submit again.',
  document_already_used: 'This document is already used to verify another account.',
  enterprise_account_limit: 'This enterprise has verified the maximum number of accounts.',
  change_too_soon: 'Your account was verified less than 30 days ago. Please submit the change after the waiting period.',
  suspected_tampering: 'We could not verify your identity with the documents provided.',
  information_incomplete: 'Some information is missing. Please complete the form and submit again.',
  address_mismatch: 'The registered address does not match your business licence. Please correct it and submit again.',
};

const internalNotes: Partial<Record<ReasonCode, string>> = {
  suspected_tampering: 'Font of the document number differs from the rest of the card; edges around the photo look pasted.',
  document_already_used: 'Same document verified on another account; the applicant was told to use that account.',
  enterprise_account_limit: 'Fifth account of this enterprise is already verified.',
  name_mismatch: 'Entered name is the pinyin of a different given name.',
};

const overrideNotes = [
  'Hong Kong identity card accepted: the applicant lives in Shenzhen and registered from the mainland; entry permit checked, ticket SUP-{n}.',
  'Passport issued abroad accepted for a mainland-registered account after a video call with the applicant, ticket SUP-{n}.',
  'Document issued outside the registration location; team lead approved the exception in ticket SUP-{n}.',
];

const agreeReasons = [
  'Checked the document and the entered data again: the decision stands.',
  'Flags and reason codes match what the documents show.',
  'Override note is specific and the exception ticket exists.',
  'Evidence of tampering is clear on the 1:1 view.',
];
const overturnReasons = [
  'The photo is readable at 1:1; this should not have been rejected as unreadable.',
  'The override note names no ticket we can find; the exception was not approved.',
  'The name on the licence differs in one character from the entered name; this should have been rejected.',
  'The document number on the photo does not match the entered number.',
];

/** The history, planned in full before anything is written: deterministic for a seed and a clock. */
export function planHistory(seed: number, now: Date, timeZone: string, isWorkingDay: (localDate: string) => boolean): HistoryPlan {
  const random = seededRandom(seed);
  // Handling times draw from their own stream, so the rest of the plan is what it was before they were added.
  const handlingRandom = seededRandom(seed ^ 0x0bad5eed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chance = (p: number) => random() < p;

  let accountCounter = 0;
  const newAccount = () => `ACC-${200000 + (accountCounter += 1)}`;

  // Persons: mainland ID cards of a region no open demo application uses (4403), some documents issued elsewhere (R1).
  const persons: { identity: IndividualIdentity; location: string }[] = [];
  for (let i = 0; i < 26; i++) {
    const elsewhere = i % 6 === 3;
    const western = i % 7 === 5;
    const digits = String(100000000 + Math.floor(random() * 899999999));
    const identity: IndividualIdentity = elsewhere
      ? { kind: 'individual', fullName: `${pick(surnames)} ${pick(givenNames)}`, documentType: 'id_card', documentNumber: `R${digits.slice(0, 6)}(${i % 10})`, issuingLocation: 'HK' }
      : western
        ? { kind: 'individual', fullName: pick(westernNames), documentType: 'passport', documentNumber: `X${digits.slice(0, 6)}H${i % 10}`, issuingLocation: 'SG' }
        : // Valid numbers (R9): a birth date 1960–1999 from the digits, the sequence from the index.
          { kind: 'individual', fullName: `${pick(surnames)} ${pick(givenNames)}`, documentType: 'id_card', documentNumber: withMod11_2Check(`440305${1960 + (Number(digits.slice(0, 2)) % 40)}0${1 + (Number(digits[2]) % 9)}1${digits[3]}${String(i).padStart(3, '0')}`), issuingLocation: 'CN' };
    persons.push({ identity, location: western ? 'SG' : 'CN' });
  }
  const enterprises: EnterpriseIdentity[] = enterpriseStems.map((stem, i) => {
    const city = cities[i % cities.length] ?? 'Shenzhen';
    return {
      kind: 'enterprise',
      enterpriseName: `${city} ${stem} Co., Ltd.`,
      registeredAddress: `${8 + i * 11} ${pick(streets)}, ${city}`,
      businessRegistrationNumber: withUsccCheck(`9144${String(3000 + i * 17)}MA${USCC_ALPHABET[18 + (i % 12)]}${String(200000 + i * 6133).slice(0, 6)}`),
    };
  });

  const stories: Step[][] = [];
  const step = (accountId: string, identity: Identity, location: string, outcome: DecisionOutcome, reasonCodes: ReasonCode[], extra: Partial<Step> = {}): Step => ({
    accountId,
    kind: identity.kind,
    identity,
    registrationLocation: location,
    outcome,
    reasonCodes,
    overrideNote: null,
    ...extra,
  });

  for (const [i, { identity, location }] of persons.entries()) {
    const story: Step[] = [];
    const account = newAccount();
    if (i % 7 === 2) {
      // A forged document: refused, and tried once more on another account.
      story.push(step(account, identity, location, 'reject', ['suspected_tampering']));
      if (chance(0.6)) story.push(step(newAccount(), identity, location, 'reject', ['suspected_tampering']));
      stories.push(story);
      continue;
    }
    if (chance(0.45)) {
      story.push(step(account, identity, location, 'reject', [pick(['document_unreadable', 'document_unreadable', 'document_expired', 'information_incomplete', 'name_mismatch', 'number_mismatch', 'document_type_not_accepted'] as const)]));
    }
    if (identity.issuingLocation !== location) {
      if (chance(0.2)) {
        story.push(step(account, identity, location, 'reject', ['issuing_location_mismatch']));
        stories.push(story);
        continue;
      }
      const note = pick(overrideNotes).replace('{n}', String(4000 + i * 37));
      story.push(step(account, identity, location, 'approve', [], { overrideNote: note }));
    } else {
      story.push(step(account, identity, location, 'approve', []));
    }
    if (chance(0.4)) story.push(step(newAccount(), identity, location, 'reject', [chance(0.2) ? 'suspected_tampering' : 'document_already_used']));
    stories.push(story);
  }

  for (const [i, enterprise] of enterprises.entries()) {
    const story: Step[] = [];
    const verified: string[] = [];
    for (let n = 0; n < 5; n++) {
      const account = newAccount();
      if (chance(0.25)) story.push(step(account, enterprise, 'CN', 'reject', [pick(['information_incomplete', 'address_mismatch', 'document_unreadable', 'name_mismatch'] as const)]));
      story.push(step(account, enterprise, 'CN', 'approve', []));
      verified.push(account);
    }
    // The sixth and later accounts are refused (R3).
    const extra = 1 + Math.floor(random() * 2);
    for (let n = 0; n < extra; n++) story.push(step(newAccount(), enterprise, 'CN', 'reject', ['enterprise_account_limit']));
    // A verified account asks to become another enterprise within 30 days (R4).
    if (chance(0.5)) {
      const target = enterprises[(i + 1) % enterprises.length] as EnterpriseIdentity;
      story.push(step(pick(verified), target, 'CN', 'reject', ['change_too_soon'], { kind: 'change' }));
    }
    stories.push(story);
  }

  // Moments: each story's steps at sorted working-day moments of the last 28 days, two hours apart at least.
  const workingMoment = (at: number): Date => {
    let date = localDate(new Date(at), timeZone);
    while (!isWorkingDay(date)) date = addLocalDays(date, -1);
    return new Date(startOfLocalDay(date, timeZone).getTime() + 9 * HOUR + random() * 9.5 * HOUR);
  };
  const start = now.getTime() - 28 * DAY;
  const end = now.getTime() - 30 * HOUR;
  const decisions: HistoryDecision[] = [];
  for (const story of stories) {
    const moments = story.map(() => workingMoment(start + random() * (end - start)).getTime()).sort((a, b) => a - b);
    for (let k = 1; k < moments.length; k++) moments[k] = Math.max(moments[k] as number, (moments[k - 1] as number) + 2 * HOUR);
    const lastDecidedOn = new Map<string, number>();
    for (const [k, s] of story.entries()) {
      const held = (s.outcome === 'approve' && s.overrideNote !== null) || (s.outcome === 'reject' && s.reasonCodes.includes('suspected_tampering'));
      const decidedAt = moments[k] as number;
      // The account's previous application was decided before this one was submitted.
      const earliest = (lastDecidedOn.get(s.accountId) ?? Number.NEGATIVE_INFINITY) + 30 * 60_000;
      const offline = chance(0.15);
      let madeAt = offline ? decidedAt - (1 + random() * 17) * HOUR : decidedAt - (5 + random() * 85) * 1000;
      madeAt = Math.min(decidedAt, Math.max(madeAt, earliest + HOUR));
      // Handling time: mostly within a day, some over the three-business-day deadline.
      const roll = random();
      const handling = (roll < 0.7 ? 0.5 + random() * 20 : roll < 0.92 ? 20 + random() * 40 : 80 + random() * 60) * HOUR;
      const submittedAt = Math.max(madeAt - handling, earliest);
      const assignedAt = submittedAt + Math.min(30 * 60_000, (madeAt - submittedAt) / 2);
      lastDecidedOn.set(s.accountId, decidedAt);
      const reviewer = chance(0.55) ? historyReviewers[0] : historyReviewers[1];
      decisions.push({
        ...s,
        applicationId: demoUuid(random),
        decisionId: demoUuid(random),
        applicantLanguage: chance(0.4) ? 'en' : 'zh-CN',
        reviewer,
        deviceId: reviewer === 'reviewer4' && offline ? 'demo-laptop-reviewer4' : `demo-device-${reviewer}`,
        offline,
        submittedAt: new Date(submittedAt),
        assignedAt: new Date(assignedAt),
        openedAt: demoOpenedAt(handlingRandom, new Date(assignedAt), new Date(madeAt)),
        madeAt: new Date(madeAt),
        decidedAt: new Date(decidedAt),
        held,
        lastOfStory: k === story.length - 1,
        secondReview: null,
        review: null,
      });
    }
  }

  // Four-eyes: a held decision gets supervisor1's second look within two hours (before its story's next step, which
  // may need its effect: R2 after an approval), except recent ones that end their story: they wait in the queue.
  const recent = (d: HistoryDecision) => d.decidedAt.getTime() > now.getTime() - 5 * DAY;
  for (const d of decisions) {
    if (!d.held || (d.lastOfStory && recent(d))) continue;
    d.secondReview = { id: demoUuid(random), verdict: 'agree', reason: pick(agreeReasons), at: new Date(d.decidedAt.getTime() + (0.3 + random() * 1.5) * HOUR) };
  }
  // Quality review of decisions older than five days (newer ones still wait in the QA queue): every approval past an
  // overridden flag, every suspected tampering, and about a quarter of the rest. A few that end their story are
  // overturned within the last two days, so their applications are back with their reviewer (the lease still runs).
  const overturnable: HistoryDecision[] = [];
  for (const d of decisions) {
    if (recent(d) || (d.held && !d.secondReview)) continue;
    const always = d.overrideNote !== null || d.reasonCodes.includes('suspected_tampering');
    if (!always && !chance(0.25)) continue;
    const overturn = d.lastOfStory && chance(always ? 0.25 : 0.1);
    if (d.lastOfStory) overturnable.push(d);
    const at = Math.min(d.decidedAt.getTime() + (2 + random() * 70) * HOUR, now.getTime() - HOUR);
    d.review = { id: demoUuid(random), verdict: 'agree', reason: pick(agreeReasons), at: new Date(at) };
    if (overturn) overturnNow(d);
  }
  function overturnNow(d: HistoryDecision): void {
    d.review = { id: demoUuid(random), verdict: 'overturn', reason: pick(overturnReasons), at: new Date(now.getTime() - (1 + random() * 40) * HOUR) };
  }
  // At least three overturns, whatever the draw.
  for (const d of overturnable) {
    if (decisions.filter((x) => x.review?.verdict === 'overturn').length >= 3) break;
    if (d.review?.verdict !== 'overturn') overturnNow(d);
  }

  decisions.sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
  const identities = [...persons.map((p) => p.identity), ...enterprises];
  return { decisions, identities };
}

/** The database as seen from inside one transaction: the service's own transactions run in it, and it commits once. */
function within(tx: Queryable, db: Database): Database {
  return { driver: db.driver, query: (sql, params) => tx.query(sql, params), transaction: (fn) => fn(tx), close: async () => undefined };
}

/** Writes the planned history through the service's own paths, in the order it happened, in one transaction. */
export async function seedHistory(
  service: CentralService,
  plan: HistoryPlan,
  imagesOf: (identity: Identity) => Promise<CheckedDocument[]>,
): Promise<void> {
  if (plan.decisions.length === 0) return;
  await service.db.transaction((tx) => writeHistory(new CentralService(within(tx, service.db), service.options), plan, imagesOf));
}

async function writeHistory(service: CentralService, plan: HistoryPlan, imagesOf: (identity: Identity) => Promise<CheckedDocument[]>): Promise<void> {
  let clock = service.options.now();
  const past = new CentralService(service.db, { ...service.options, now: () => clock });
  // The verdicts, in the order they happened among the decisions: an overturn or a second look takes effect then.
  const verdicts = plan.decisions
    .flatMap((d) => [d.secondReview, d.review].flatMap((r) => (r ? [{ decisionId: d.decisionId, review: r }] : [])))
    .sort((a, b) => a.review.at.getTime() - b.review.at.getTime());
  let next = 0;
  const reviewUntil = async (until: number) => {
    for (; next < verdicts.length && (verdicts[next]?.review.at.getTime() ?? Infinity) < until; next++) {
      const { decisionId, review } = verdicts[next] as (typeof verdicts)[number];
      clock = review.at;
      const [result] = await applySupervision(past, supervisor, 'demo-device-supervisor1', [
        { type: 'review', id: review.id, decisionId, madeAt: review.at.toISOString(), madeBy: historySupervisor, offline: false, verdict: review.verdict, reason: review.reason },
      ]);
      if (result?.status !== 'applied') throw new Error(`demo history: review of ${decisionId} was not applied: ${JSON.stringify(result)}`);
    }
  };
  for (const d of plan.decisions) {
    await reviewUntil(d.decidedAt.getTime());
    clock = d.submittedAt;
    await past.submitChecked(
      {
        accountId: d.accountId,
        kind: d.kind,
        registrationLocation: d.registrationLocation,
        submittedAt: d.submittedAt.toISOString(),
        identity: d.identity,
        icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
        applicantLanguage: d.applicantLanguage,
      },
      await imagesOf(d.identity),
      d.applicationId,
      false,
    );
    clock = d.assignedAt;
    const envelope = await past.assign(d.applicationId, d.reviewer);
    const reason = d.reasonCodes[0];
    clock = d.decidedAt;
    const [result] = await past.applyMutations(d.reviewer, d.deviceId, [
      {
        type: 'decision',
        id: d.decisionId,
        applicationId: d.applicationId,
        baseVersion: envelope.application.version,
        madeAt: d.madeAt.toISOString(),
        madeBy: d.reviewer,
        offline: d.offline,
        outcome: d.outcome,
        reasonCodes: d.reasonCodes,
        applicantMessage: reason ? (applicantMessages[reason] ?? applicantMessages.approve) : applicantMessages.approve,
        internalNote: (reason && internalNotes[reason]) ?? '',
        overrideNote: d.overrideNote,
        ...workstationEvidence(service, envelope, d.madeAt, d.outcome, d.overrideNote, d.openedAt),
      },
    ]);
    // A refusal here is a planning mistake: seeding stops rather than leave a history that is not what it says.
    if (result?.status !== 'applied') throw new Error(`demo history: decision on ${d.applicationId} was not applied: ${JSON.stringify(result)}`);
  }
  await reviewUntil(Number.POSITIVE_INFINITY);
}
