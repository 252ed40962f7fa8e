// Demo data for the zero-setup central service: a few hundred applications of every kind, change
// direction and rule situation, with specimen document images. Deterministic in content (a seeded
// generator); times are relative to the server's clock so deadlines look live. Each distinct image is
// drawn and checked once and reused (the same document on two accounts is the same image).
import { jpegOf, renderSpecimen, type PersonSpecimen, type Specimen } from '../resources/specimens/draw';
import { captureOf, photographed } from '../resources/specimens/capture';
import { specimenNationality, specimenSex } from '../shared/specimenPeople';
import type { IntakeRequest } from '../shared/contract/central';
import type { DocumentType, EnterpriseIdentity, IcpFacts, Identity, IndividualIdentity } from '../shared/domain';
import { checkImage } from './images';
import { identityKeys } from './keys';
import { storeBlob, type CentralService, type CheckedDocument } from './service';
import { addVerificationDocuments } from './replacedIdentity';
import { seededRandom } from '../shared/prng';
import { addLocalDays, localDate } from '../shared/businessDays';
import { USCC_ALPHABET, withMod11_2Check, withUsccCheck } from '../shared/documentNumbers';
import { refreshRandomSample, sampleWeekSql } from './quality';
import { seedAuditTrails } from './demoAudit';
import { demoUuid, planHistory, seedHistory, workstationEvidence, type HistoryPlan } from './demoHistory';

const surnames = ['ZHANG', 'WANG', 'LI', 'LIU', 'CHEN', 'YANG', 'HUANG', 'ZHAO', 'WU', 'ZHOU', 'XU', 'SUN', 'MA', 'ZHU', 'HU', 'GUO', 'HE', 'LIN', 'LUO', 'GAO'];
const givenNames = ['Wei', 'Fang', 'Na', 'Min', 'Jing', 'Lei', 'Qiang', 'Yan', 'Jun', 'Yong', 'Jie', 'Tao', 'Ming', 'Chao', 'Xiu Ying', 'Hui', 'Lan', 'Ping', 'Gang', 'Hong'];
const westernNames = ['Anna Keller', 'Lucas Martin', 'Sofia Rossi', 'Daniel Novak', 'Emma Laurent', 'Noah Fischer', 'Mia Jensen', 'Leo Costa'];
const enterpriseStems = ['Bluewater Cloud', 'Redpine Data', 'Silverlake Logistics', 'Goldleaf Trading', 'Northstar Robotics', 'Jade River Media', 'Summit Analytics', 'Lotus Payments', 'Harbor Freight Tech', 'Crane Software', 'Peony Foods', 'Kestrel Games'];
const cities = ['Hangzhou', 'Shanghai', 'Shenzhen', 'Beijing', 'Chengdu', 'Suzhou'];
const docTypes: readonly DocumentType[] = ['id_card', 'passport', 'drivers_license', 'work_permit'];

export interface DemoOptions {
  /** How many applications; default 300. */
  count?: number;
  seed?: number;
  /** The supervisor's decision history by reviewer3 and reviewer4 (server/demoHistory.ts); default true. */
  history?: boolean;
}

type Situation =
  | 'plain'
  | 'issuing_mismatch'
  | 'document_used'
  | 'icp_mismatch'
  | 'enterprise_fifth'
  | 'enterprise_sixth'
  | 'change_ok'
  | 'change_too_soon'
  | 'withdrawn';

export async function seedDemo(service: CentralService, options: DemoOptions = {}): Promise<{ applications: number; history: number }> {
  const db = service.db;
  const [existing] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM applications`);
  if (Number(existing?.n ?? 0) > 0) return { applications: 0, history: 0 };

  const count = options.count ?? 300;
  const seed = options.seed ?? 20261126;
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const now = service.options.now();
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const daysAgo = (d: number) => hoursAgo(d * 24);
  const uuid = (): string => demoUuid(random);
  // The supervisor's decision history, from a stream of its own so it is the same whatever `count` is.
  const history: HistoryPlan =
    options.history === false
      ? { decisions: [], identities: [] }
      : planHistory(seed + 1, now, service.options.calendar.timeZone, (date) => service.options.calendar.isWorkingDay(date));

  // Distinct images, drawn and checked once.
  const images = new Map<string, Promise<CheckedDocument>>();
  const imageOf = (key: string, role: CheckedDocument['role'], specimen: Specimen): Promise<CheckedDocument> => {
    let image = images.get(key);
    if (!image) {
      // Part of the set looks photographed (tilt, glare, shadow, slight blur: resources/specimens/capture.ts).
      const capture = captureOf(key);
      image = renderSpecimen(specimen)
        .then((flat) => (capture ? photographed(flat, capture, key, specimen.kind === 'passport') : flat))
        .then((pixels) => jpegOf(pixels))
        .then(async (bytes) => ({ role, bytes, ...(await checkImage(bytes, key)) }));
      images.set(key, image);
    }
    return image.then((i) => ({ ...i, role }));
  };
  const personSpecimen = (p: IndividualIdentity, side: PersonSpecimen['side']): PersonSpecimen => ({
    kind: p.documentType,
    side,
    fullName: p.fullName,
    documentNumber: p.documentNumber,
    issuingLocation: p.issuingLocation,
    birthDate: p.dateOfBirth ?? '1990-01-01',
    expiryDate: p.expiryDate ?? '2036-06-30',
    ...(p.sex ? { sex: p.sex } : {}),
    ...(p.nationality ? { nationality: p.nationality } : {}),
  });
  const personImage = (p: IndividualIdentity): Promise<CheckedDocument> =>
    imageOf(`person:${identityKeys(p).docKey}`, p.documentType === 'passport' ? 'page' : 'front', personSpecimen(p, 'front'));
  const enterpriseImage = (e: EnterpriseIdentity): Promise<CheckedDocument> =>
    imageOf(`enterprise:${e.businessRegistrationNumber}`, 'licence', {
      kind: 'business_licence',
      enterpriseName: e.enterpriseName,
      registeredAddress: e.registeredAddress,
      businessRegistrationNumber: e.businessRegistrationNumber,
      issuedDate: e.establishedOn ?? '2015-01-15',
    });
  const mainImageOf = (identity: Identity) => (identity.kind === 'individual' ? personImage(identity) : enterpriseImage(identity));
  /** An ID card has two sides: the front with the photo, the back with the issuing authority and validity. */
  const allImagesOf = async (identity: Identity): Promise<CheckedDocument[]> =>
    identity.kind === 'individual' && identity.documentType === 'id_card'
      ? [await personImage(identity), await imageOf(`person-back:${identityKeys(identity).docKey}`, 'back', personSpecimen(identity, 'back'))]
      : [await mainImageOf(identity)];

  // Specimen documents exercise R9 and R10: numbers with valid check characters but every 10th (counter ending in 7)
  // deliberately wrong; expiry dates far off, but every 12th already past at submission and every 12th (+5) near.
  const today = localDate(now, service.options.calendar.timeZone);
  let personCounter = 0;
  const person = (location: string, issuing = location): IndividualIdentity => {
    personCounter += 1;
    const chinese = location === 'CN' || location === 'HK' || location === 'TW' || location === 'MO';
    const fullName = chinese ? `${pick(surnames)} ${pick(givenNames)}` : pick(westernNames);
    const documentType = chinese ? pick(['id_card', 'id_card', 'passport', 'drivers_license'] as const) : pick(docTypes);
    const digits = String(100000000 + Math.floor(random() * 899999999));
    const dateOfBirth = `${1960 + (Number(digits.slice(0, 2)) % 40)}-${String(1 + (Number(digits.slice(2, 4)) % 12)).padStart(2, '0')}-${String(1 + (Number(digits.slice(4, 6)) % 28)).padStart(2, '0')}`;
    const deliberatelyInvalid = personCounter % 10 === 7;
    let documentNumber: string;
    if (documentType === 'id_card' && issuing === 'CN') {
      const valid = withMod11_2Check(`330106${dateOfBirth.replace(/-/g, '')}${String(personCounter % 1000).padStart(3, '0')}`);
      documentNumber = deliberatelyInvalid ? valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0') : valid;
    } else if (documentType === 'passport') {
      // ICAO 9303: at most 9 characters; a deliberately invalid one is 11 or more.
      documentNumber = deliberatelyInvalid ? `E${digits}${personCounter}` : `E${digits.slice(0, 8)}`;
    } else {
      documentNumber = `${documentType[0]?.toUpperCase()}${digits}${personCounter}`;
    }
    const expiryDate = personCounter % 12 === 0 ? addLocalDays(today, -40) : personCounter % 12 === 5 ? addLocalDays(today, 12) : `20${30 + (Number(digits.slice(6, 8)) % 9)}-06-30`;
    const sex = specimenSex({ kind: documentType, documentNumber, fullName });
    return { kind: 'individual', fullName, documentType, documentNumber, issuingLocation: issuing, dateOfBirth, expiryDate, sex, nationality: specimenNationality(issuing) };
  };
  const enterprises: EnterpriseIdentity[] = enterpriseStems.map((stem, i) => {
    const city = cities[i % cities.length] ?? 'Hangzhou';
    return {
      kind: 'enterprise',
      enterpriseName: `${city} ${stem} Technology Co., Ltd.`,
      registeredAddress: `${10 + i * 7} ${pick(['Wenyi West Road', 'Century Avenue', 'Keyuan Road', 'Zhongguancun Street', 'Tianfu Avenue'])}, ${city}`,
      // A valid USCC, but for the last enterprise's, whose check character is deliberately wrong (R9).
      businessRegistrationNumber: ((code: string) => (i === enterpriseStems.length - 1 ? `${code.slice(0, 17)}${code.endsWith('0') ? '1' : '0'}` : code))(
        withUsccCheck(`9133${String(1000 + i)}MA${USCC_ALPHABET[10 + i]}${String(100000 + i * 7919).slice(0, 6)}`),
      ),
      establishedOn: `20${10 + (i % 14)}-0${1 + (i % 9)}-15`,
    };
  });

  // Accounts verified in the past: direct history rows, as the central service would have them.
  let accountCounter = 0;
  const newAccountId = () => `ACC-${String(100000 + (accountCounter += 1))}`;
  /** `documents`: the images the verification was made on (a change application shows them beside its own). */
  const verifyAccount = async (accountId: string, location: string, identity: Identity, at: Date, documents: readonly CheckedDocument[] = []): Promise<void> => {
    const keys = identityKeys(identity);
    await db.query(
      `INSERT INTO accounts (id, registration_location, verified_identity, verified_at, doc_key, ent_name_key, ent_reg_key)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7)`,
      [accountId, location, JSON.stringify(identity), at, keys.docKey, keys.entNameKey, keys.entRegKey],
    );
    const [verification] = await db.query<{ id: string | number }>(`INSERT INTO verifications (account_id, identity, verified_at) VALUES ($1, $2::jsonb, $3) RETURNING id`, [
      accountId,
      JSON.stringify(identity),
      at,
    ]);
    for (const image of documents) await storeBlob(db, image);
    if (verification && documents.length > 0) await addVerificationDocuments(db, Number(verification.id), documents);
  };

  // R3: enterprise 0 has five verified accounts (a sixth is blocked); enterprise 1 has four (a fifth is fine).
  const sixthEnterprise = enterprises[0] as EnterpriseIdentity;
  const fifthEnterprise = enterprises[1] as EnterpriseIdentity;
  for (let i = 0; i < 5; i++) await verifyAccount(newAccountId(), 'CN', sixthEnterprise, daysAgo(200 + i));
  for (let i = 0; i < 4; i++) await verifyAccount(newAccountId(), 'CN', fifthEnterprise, daysAgo(150 + i));
  // R2: documents verified on other accounts already.
  const usedDocuments: IndividualIdentity[] = [];
  for (let i = 0; i < 8; i++) {
    const p = person('CN');
    usedDocuments.push(p);
    await verifyAccount(newAccountId(), 'CN', p, daysAgo(60 + i));
  }

  const situations: Situation[] = [];
  for (let i = 0; i < count; i++) {
    const r = i % 20;
    situations.push(
      r === 1 ? 'issuing_mismatch'
      : r === 3 ? 'document_used'
      : r === 5 ? 'icp_mismatch'
      : r === 7 ? 'enterprise_sixth'
      : r === 8 ? 'enterprise_fifth'
      : r === 10 || r === 11 || r === 12 || r === 13 ? 'change_ok'
      : r === 14 || r === 15 ? 'change_too_soon'
      : r === 17 ? 'withdrawn'
      : 'plain',
    );
  }

  const directions = ['individual_to_enterprise', 'individual_to_individual', 'enterprise_to_individual', 'enterprise_to_enterprise'] as const;
  const submitted: { id: string; situation: Situation; identity: Identity }[] = [];
  const plan: { request: Omit<IntakeRequest, 'documents'>; identity: Identity; situation: Situation; id: string; before?: () => Promise<void>; previous?: Identity }[] = [];

  for (const [i, situation] of situations.entries()) {
    const location = i % 9 === 4 ? 'HK' : i % 13 === 6 ? 'SG' : 'CN';
    const submittedAt = hoursAgo(1 + ((i * 37) % (24 * 6))).toISOString();
    const accountId = newAccountId();
    const icpOff: IcpFacts = { mainlandResources: false, icpFilingIntended: false, icpEntityName: null };
    let kind: IntakeRequest['kind'];
    let identity: Identity;
    let icp = icpOff;
    let before: (() => Promise<void>) | undefined;
    let previous: Identity | undefined;
    switch (situation) {
      case 'issuing_mismatch':
        kind = 'individual';
        identity = person(location, location === 'CN' ? 'HK' : 'CN');
        break;
      case 'document_used':
        kind = 'individual';
        identity = usedDocuments[i % usedDocuments.length] as IndividualIdentity;
        break;
      case 'icp_mismatch': {
        kind = i % 40 === 5 ? 'enterprise' : 'individual';
        identity = kind === 'enterprise' ? (enterprises[2 + (i % 10)] as EnterpriseIdentity) : person('CN');
        const verified = identity.kind === 'enterprise' ? identity.enterpriseName : identity.fullName;
        icp = { mainlandResources: true, icpFilingIntended: true, icpEntityName: `${verified} (Shanghai Branch)` };
        break;
      }
      case 'enterprise_sixth':
        kind = 'enterprise';
        identity = sixthEnterprise;
        break;
      case 'enterprise_fifth':
        kind = 'enterprise';
        identity = fifthEnterprise;
        break;
      case 'change_ok':
      case 'change_too_soon': {
        kind = 'change';
        const direction = directions[i % directions.length] ?? 'individual_to_individual';
        const current: Identity = direction.startsWith('individual') ? person(location) : (enterprises[2 + (i % 10)] as EnterpriseIdentity);
        identity = direction.endsWith('to_individual') ? person(location) : (enterprises[2 + ((i + 3) % 10)] as EnterpriseIdentity);
        const verifiedAt = situation === 'change_ok' ? daysAgo(45 + (i % 300)) : daysAgo(3 + (i % 20));
        previous = current;
        // The verification is made with its documents (drawn with the rest: allImagesOf is memoised per image).
        before = async () => verifyAccount(accountId, location, current, verifiedAt, await allImagesOf(current));
        break;
      }
      default: {
        const enterprise = i % 5 === 2;
        kind = enterprise ? 'enterprise' : 'individual';
        identity = enterprise ? (enterprises[2 + (i % 10)] as EnterpriseIdentity) : person(location);
        if (i % 6 === 0) {
          const name = identity.kind === 'enterprise' ? identity.enterpriseName : identity.fullName;
          icp = { mainlandResources: true, icpFilingIntended: true, icpEntityName: name };
        }
      }
    }
    plan.push({
      id: uuid(),
      identity,
      situation,
      request: { accountId, kind, registrationLocation: location, submittedAt, identity, icp, applicantLanguage: i % 3 === 0 ? 'en' : 'zh-CN' },
      ...(before ? { before } : {}),
      ...(previous ? { previous } : {}),
    });
  }

  // Draw every distinct image up front, two at a time per core: the history's first, so that its decisions are written
  // while the rest draw (the main thread is idle meanwhile).
  for (const identity of history.identities) void allImagesOf(identity).catch(() => undefined); // awaited in seedHistory
  const drawn = Promise.all(plan.flatMap((p) => [allImagesOf(p.identity), ...(p.previous ? [allImagesOf(p.previous)] : [])]));
  drawn.catch(() => undefined); // awaited just below, where a failure stops the seeding; not unhandled meanwhile
  await seedHistory(service, history, allImagesOf);
  // What the history's workstations pushed of their audit trails (server/demoAudit.ts).
  await seedAuditTrails(service, history);
  await drawn;
  for (const p of plan) {
    if (p.before) await p.before();
    await service.submitChecked(p.request, await allImagesOf(p.identity), p.id, false);
    submitted.push({ id: p.id, situation: p.situation, identity: p.identity });
  }

  // Each withdrawal through its support ticket, as the ticket system sends it (a reproducible number per application).
  let ticket = 104_230;
  for (const s of submitted) if (s.situation === 'withdrawn') await service.withdraw(s.id, `SUP-${ticket++}`, 'intake');

  // Some decided work for the supervisor: plain cases, decided by both reviewers over the last days.
  const decidable = submitted.filter((s) => s.situation === 'plain').filter((_, i) => i % 4 === 1).slice(0, Math.ceil(count / 8));
  for (const [i, s] of decidable.entries()) {
    const reviewer = i % 2 === 0 ? 'reviewer1' : 'reviewer2';
    const envelope = await service.assign(s.id, reviewer);
    const reject = i % 3 === 0;
    const decisionId = uuid();
    const [result] = await service.applyMutations(reviewer, `demo-device-${reviewer}`, [
      {
        type: 'decision',
        id: decisionId,
        applicationId: s.id,
        baseVersion: envelope.application.version,
        madeAt: now.toISOString(),
        madeBy: reviewer,
        offline: i % 5 === 0,
        outcome: reject ? 'reject' : 'approve',
        reasonCodes: reject ? [pick(['document_unreadable', 'name_mismatch', 'document_expired', 'information_incomplete'] as const)] : [],
        applicantMessage: reject ? 'Please upload a clear photo of a valid document.' : 'Your identity has been verified.',
        internalNote: '',
        overrideNote: null,
        ...workstationEvidence(service, envelope, now, reject ? 'reject' : 'approve', null, new Date(now.getTime() - (3 + ((i * 7) % 20)) * 60_000)),
      },
    ]);
    if (result?.status === 'applied') {
      const at = hoursAgo(2 + i * 3);
      // Moved back in time, with the handling time it had (opened → decided) and the QA sample's week (both weeks' draws are made again).
      await db.query(`UPDATE decisions SET decided_at = $2::timestamptz, opened_at = $2::timestamptz - (made_at - opened_at), made_at = $2::timestamptz, sample_week = ${sampleWeekSql('$2')} WHERE id = $1`, [decisionId, at]);
      await refreshRandomSample(db, reviewer, at);
      await refreshRandomSample(db, reviewer, now);
    }
  }

  return { applications: submitted.length, history: history.decisions.length };
}
