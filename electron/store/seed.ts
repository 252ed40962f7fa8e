// Deterministic demo and test data: realistic applications of every kind and change direction, Chinese and
// Latin names, facts and image signals that raise every rule (R1–R8), and a few hostile strings. The same
// (count, seed, now) always gives the same records.
import type { Application, ApplicationStatus, ChangeDirection, DocumentRole, ForensicSummary, Identity, QualitySignals } from '../../shared/domain';
import type { DocumentRecord } from '../../shared/contract/cases';
import type { RuleFacts } from '../../shared/rules';
import { seededRandom } from '../../shared/prng';
import { addLocalDays } from '../../shared/businessDays';
import { withMod11_2Check, withUsccCheck } from '../../shared/documentNumbers';
import { specimenNationality, specimenSex } from '../../shared/specimenPeople';

export interface SeedRecord {
  application: Application;
  documents: DocumentRecord[];
  facts: RuleFacts;
}

/** Names the UI must show as text, never as markup or code. */
export const hostileNames = [
  '<img src=x onerror=alert(1)>',
  "Robert'); DROP TABLE applications;--",
  '"><script>alert(document.cookie)</script>',
  '\u202Egnp.exe Mallory',
  '{{constructor.constructor("alert(1)")()}}',
  '张三 <b>粗体</b> & Co',
] as const;

const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '欧阳', '司马'];
const givenNames = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '子轩', '梓涵', '一诺', '浩然'];
const latinFirst = ['Alice', 'Bruno', 'Chloé', 'David', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ingrid', 'José', 'Kwame', 'Lena', 'Mateus', 'Nadia', 'Oliver', 'Priya', 'Søren', 'Tanvir', 'Ursula', 'Zoë'];
const latinLast = ['Smith', 'Müller', 'García', 'Nguyen', 'Okafor', 'Rossi', "O'Brien", 'Kowalski', 'Tanaka', 'Dubois', 'Silva', 'Van der Berg', 'Andersson', 'Khan', 'Lee'];
const cities = ['北京', '上海', '深圳', '杭州', '成都', '广州', '南京', '武汉'];
const trades = ['星云科技', '蓝海数据', '云帆网络', '长风信息', '青木软件', '恒通物流', '锦程贸易', '启明智能'];
const latinCompanies = ['Acme Cloud', 'Northwind Data', 'Globex', 'Initech', 'Umbrella Networks', 'Stark Digital', 'Wayne Analytics', 'Tyrell Systems'];
const latinSuffix = ['Ltd.', 'GmbH', 'Inc.', 'Pte. Ltd.', 'S.A.', 'B.V.'];
const locations = ['CN', 'CN', 'CN', 'CN', 'HK', 'MO', 'TW', 'SG', 'US', 'DE', 'JP', 'GB'];
const softwares = [null, null, null, null, null, null, 'Adobe Photoshop 25.0', 'GIMP 2.10.34', 'Snapseed'];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Mainland region codes the specimen ID numbers use (the first drawn digit picks one). */
const specimenRegions = ['110101', '310104', '330106', '440305', '510107', '320102', '420102', '500103', '610113', '370102'];

/** A birth date 1950–2004 from eight drawn digits. */
function specimenBirthDate(d: string): string {
  const year = 1950 + (Number(d.slice(1, 3)) % 55);
  const month = 1 + (Number(d.slice(3, 5)) % 12);
  const day = 1 + (Number(d.slice(5, 7)) % 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A licence's date of establishment 1995–2024 from eight drawn digits. */
function specimenEstablishedOn(d: string): string {
  return `${1995 + (Number(d.slice(1, 3)) % 30)}${specimenBirthDate(d).slice(4)}`;
}

/** A USCC with a valid GB 32100 check character, but deliberately wrong when the drawn one was F (one in sixteen). */
function specimenUscc(drawn: string): string {
  const valid = withUsccCheck(drawn.slice(0, 17));
  return drawn.endsWith('F') ? `${valid.slice(0, 17)}${valid.endsWith('0') ? '1' : '0'}` : valid;
}

/** R10's specimen expiry dates: past at submission, near the decision, or years ahead. */
function specimenExpiry(i: number, submittedAt: Date, now: Date): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (i % 12 === 0) return addLocalDays(day(submittedAt), -30);
  if (i % 12 === 5) return addLocalDays(day(now), 12);
  return `${2030 + (i % 9)}-0${1 + (i % 9)}-28`;
}

/** Default "now" of generated data: a fixed instant, so that tests are deterministic. */
export const seedEpoch = new Date('2026-11-26T06:00:00.000Z');

export function generateApplications(count: number, seed: number, options: { now?: Date; reviewers?: number } = {}): SeedRecord[] {
  const now = (options.now ?? seedEpoch).getTime();
  const reviewers = options.reviewers ?? 8;
  const rand = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const chance = (p: number) => rand() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join('');
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');

  const personName = (chinese: boolean): string => {
    if (chinese) return pick(surnames) + pick(givenNames) + (chance(0.3) ? pick(givenNames).slice(0, 1) : '');
    return `${pick(latinFirst)} ${pick(latinLast)}`;
  };
  const enterpriseName = (chinese: boolean): string =>
    chinese ? `${pick(cities)}${pick(trades)}有限公司` : `${pick(latinCompanies)} ${pick(latinSuffix)}`;

  let mainlandCards = 0;
  const individual = (registrationLocation: string, hostile: string | null): Identity => {
    const chinese = registrationLocation === 'CN' || registrationLocation === 'TW' || (registrationLocation === 'HK' && chance(0.6));
    // R1: about one in fourteen documents comes from another location than the account's.
    const issuingLocation = chance(0.07) ? pick(locations.filter((l) => l !== registrationLocation)) : registrationLocation;
    const documentType = issuingLocation === 'CN' ? pick(['id_card', 'id_card', 'id_card', 'passport', 'drivers_license'] as const) : pick(['passport', 'passport', 'id_card', 'drivers_license', 'work_permit'] as const);
    // SPECIMEN numbers from the same draws as before (so the rest of the data stays as it was): a mainland ID card's
    // number passes R9, but every fourth such card (the first included) deliberately carries a wrong check character.
    const mainlandCard = documentType === 'id_card' && issuingLocation === 'CN';
    const drawn = mainlandCard ? digits(17) : '';
    const drewX = mainlandCard && chance(0.1);
    const tail = mainlandCard && !drewX ? digits(1) : '';
    const deliberatelyInvalid = mainlandCard && mainlandCards++ % 4 === 0;
    const source = mainlandCard ? drawn + tail : `${pick(['E', 'P', 'K', 'X'])}${digits(8)}`;
    const dateOfBirth = specimenBirthDate(source.replace(/\D/g, '').padEnd(8, '0'));
    let documentNumber = source;
    if (mainlandCard) {
      const valid = withMod11_2Check(`${specimenRegions[Number(drawn[0])]}${dateOfBirth.replace(/-/g, '')}${drawn.slice(7, 10)}`);
      documentNumber = deliberatelyInvalid ? `${valid.slice(0, 17)}${valid.endsWith('X') ? '0' : 'X'}` : valid;
    }
    const fullName = hostile ?? personName(chinese);
    const sex = specimenSex({ kind: documentType, documentNumber, fullName });
    return { kind: 'individual', fullName, documentType, documentNumber, issuingLocation, dateOfBirth, sex, nationality: specimenNationality(issuingLocation) };
  };
  const enterprise = (registrationLocation: string, hostile: string | null): Identity => {
    const chinese = registrationLocation === 'CN' || chance(0.2);
    return {
      kind: 'enterprise',
      enterpriseName: hostile ?? enterpriseName(chinese),
      registeredAddress: chinese ? `${pick(cities)}市${pick(['朝阳区', '浦东新区', '南山区', '西湖区'])}${int(1, 999)}号` : `${int(1, 400)} ${pick(['Market Street', 'Hauptstraße', 'Orchard Road', 'Queen St'])}`,
      businessRegistrationNumber: chinese ? specimenUscc(`91${digits(6)}${hex(10).toUpperCase()}`) : `${pick(['HRB', 'UEN', 'CRN'])}${digits(8)}`,
    };
  };

  const statuses: [ApplicationStatus, number][] = [
    ['submitted', 0.05],
    ['queued', 0.47],
    ['in_review', 0.2],
    ['approved', 0.14],
    ['rejected', 0.09],
    ['withdrawn', 0.05],
  ];
  const pickStatus = (): ApplicationStatus => {
    let r = rand();
    for (const [s, p] of statuses) {
      if (r < p) return s;
      r -= p;
    }
    return 'queued';
  };

  const records: SeedRecord[] = [];
  let hostileCount = 0;
  for (let i = 0; i < count; i++) {
    const hostile = i === 3 || i % 211 === 7 ? hostileNames[hostileCount++ % hostileNames.length]! : null;
    const kindRoll = rand();
    const kind = kindRoll < 0.55 ? 'individual' : kindRoll < 0.8 ? 'enterprise' : 'change';
    const registrationLocation = pick(locations);
    let identity: Identity;
    let currentIdentity: Identity | null = null;
    let changeDirection: ChangeDirection | null = null;
    if (kind === 'individual') identity = individual(registrationLocation, hostile);
    else if (kind === 'enterprise') identity = enterprise(registrationLocation, hostile);
    else {
      // Every direction, individual→enterprise (no cooldown) a little more often as in practice.
      changeDirection = pick(['individual_to_enterprise', 'individual_to_enterprise', 'individual_to_individual', 'enterprise_to_individual', 'enterprise_to_enterprise'] as const);
      const [from, to] = changeDirection.split('_to_') as ['individual' | 'enterprise', 'individual' | 'enterprise'];
      currentIdentity = from === 'individual' ? individual(registrationLocation, null) : enterprise(registrationLocation, null);
      identity = to === 'individual' ? individual(registrationLocation, hostile) : enterprise(registrationLocation, hostile);
    }
    const verifiedName = identity.kind === 'individual' ? identity.fullName : identity.enterpriseName;

    // Most submissions in the last 3 days, a tail up to 8 days (overdue), a few minutes ahead (clock skew):
    // every deadline window is populated.
    const ageMs = chance(0.75) ? rand() * 3 * DAY : (3 + rand() * 5) * DAY;
    const submittedAt = new Date(now - Math.floor(ageMs) + (chance(0.01) ? int(0, 10) * 60_000 : 0));
    const status = pickStatus();
    const mainland = chance(0.35);
    const icpIntended = mainland && chance(0.6);
    const icpEntityName = !icpIntended ? null : chance(0.7) ? verifiedName : chance(0.5) ? null : verifiedName.toUpperCase() + (chance(0.5) ? ' ' : '（分公司）');

    const application: Application = {
      id: `VA${String(seed % 100).padStart(2, '0')}${String(i).padStart(8, '0')}`,
      accountId: `1${digits(15)}`,
      kind,
      registrationLocation,
      submittedAt: submittedAt.toISOString(),
      status,
      version: int(1, 6),
      assignee: chance(0.85) ? `reviewer-${String(int(1, reviewers)).padStart(2, '0')}` : null,
      identity,
      currentIdentity,
      changeDirection,
      icp: { mainlandResources: mainland, icpFilingIntended: icpIntended, icpEntityName },
      applicantLanguage: registrationLocation === 'CN' || registrationLocation === 'TW' ? 'zh-CN' : 'en',
    };

    // R10: expiry dates far off, but every twelfth expired before submission and every twelfth (+5) within 30 days.
    for (const who of [identity, currentIdentity]) {
      if (who?.kind === 'individual') who.expiryDate = specimenExpiry(i, submittedAt, new Date(now));
      if (who?.kind === 'enterprise') who.establishedOn = specimenEstablishedOn(who.businessRegistrationNumber.replace(/\D/g, '').padEnd(8, '0'));
    }

    const facts: RuleFacts = {
      // R2: the document already verifies another account.
      accountsVerifiedWithDocument: identity.kind === 'individual' && chance(0.05) ? int(1, 2) : 0,
      // R3: the enterprise already verifies five or more other accounts (the sixth is blocked).
      enterpriseAccountsVerified: identity.kind === 'enterprise' ? (chance(0.06) ? int(5, 7) : int(0, 4)) : 0,
      // R4: changes mostly long after the last verification, some too soon, a few with no known date.
      lastVerifiedAt:
        kind !== 'change'
          ? null
          : chance(0.05)
            ? null
            : new Date(submittedAt.getTime() - (chance(0.3) ? int(1, 29) : int(31, 900)) * DAY - int(0, 23) * HOUR).toISOString(),
    };

    const roles: DocumentRole[] =
      identity.kind === 'enterprise' ? ['licence', 'page'] : identity.documentType === 'passport' ? ['page', 'selfie'] : ['front', 'back'];
    const documents: DocumentRecord[] = roles.map((role, n) => {
      const format = chance(0.8) ? 'jpeg' : chance(0.7) ? 'png' : 'heic';
      const small = chance(0.04);
      const width = small ? int(320, 600) : int(1200, 4032);
      const height = Math.round(width * (role === 'licence' ? 1.41 : 0.63));
      const blurVariance = chance(0.06) ? rand() * 40 : 80 + rand() * 900;
      const darkShare = chance(0.04) ? 0.4 + rand() * 0.5 : rand() * 0.1;
      const brightShare = chance(0.04) ? 0.4 + rand() * 0.5 : rand() * 0.1;
      const glareShare = chance(0.05) ? 0.05 + rand() * 0.2 : rand() * 0.02;
      const quality: QualitySignals = {
        width,
        height,
        lowResolution: width < 800,
        blurVariance,
        blurry: blurVariance < 50,
        darkShare,
        brightShare,
        underExposed: darkShare > 0.35,
        overExposed: brightShare > 0.35,
        glareShare,
        glare: glareShare > 0.04,
      };
      const hasExif = format === 'jpeg' && chance(0.7);
      const forensic: ForensicSummary = {
        format,
        width,
        height,
        hasExif,
        hasGps: hasExif && chance(0.2),
        hasXmp: chance(0.1),
        hasIcc: chance(0.5),
        cameraMake: hasExif ? pick(['Apple', 'HUAWEI', 'Xiaomi', 'samsung', 'OPPO']) : null,
        cameraModel: hasExif ? pick(['iPhone 15', 'P60 Pro', '14 Ultra', 'SM-S918B', 'Find X7']) : null,
        software: hasExif ? pick(softwares) : null,
        capturedAt: hasExif ? new Date(submittedAt.getTime() - int(1, 600) * 60_000).toISOString() : null,
      };
      return { id: `${application.id}-${n + 1}`, role, sha256: hex(64), format, width, height, forensic, quality, imageFailure: null };
    });
    records.push({ application, documents, facts });
  }
  return records;
}
