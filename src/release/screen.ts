/**
 * The release rules (pure): what happens to a data-release request before anyone decides it.
 * 1. A purpose of immigration enforcement is refused automatically (California Values Act,
 *    Gov. Code § 7284 et seq.). The purpose, the legal basis and the agency's name are all read,
 *    so "ICE", "deportation", "8 U.S.C. 1357" or a request from an immigration agency are caught
 *    whichever field carries them.
 * 2. A government body that is not a California public agency (another state's, federal, tribal,
 *    foreign) is refused automatically: Civil Code § 1798.90.55(b) (SB 34) lets a public agency
 *    share ALPR information only with another public agency, § 1798.90.5(f) defines one as the
 *    state or a California city, county or their agencies, and the Attorney General's Information
 *    Bulletin 2023-DLE-06 reads that as excluding out-of-state and federal agencies. A request
 *    entered before the jurisdiction was recorded ('unknown') is refused the same way, and so is
 *    one whose ORI names another state while its jurisdiction says California (a mismatch: the
 *    request must be corrected, and a mislabelled jurisdiction is how the rule would be dodged).
 *    When several grounds apply all are given, the immigration one first.
 * 3. A non-government body, or one that is neither law enforcement nor prosecutorial, is routed to
 *    the public records process: nothing is exported from here.
 * 4. Otherwise the request waits for an administrator to approve or refuse it.
 * A false refusal costs a re-worded request; a false approval cannot be taken back, so the terms
 * lean towards refusing.
 */
export const VALUES_ACT = 'California Values Act (Gov. Code § 7284 et seq.)';
export const SB34 = "Civil Code § 1798.90.55(b) (SB 34), as read in the Attorney General's Information Bulletin 2023-DLE-06";

export type AgencyKind = 'law-enforcement' | 'prosecutor' | 'other';

/** Who governs the receiving body. Only the first two are California public agencies (Civ. Code § 1798.90.5(f)). */
export const JURISDICTIONS = ['california-state', 'california-local', 'other-state', 'federal', 'tribal', 'foreign', 'non-government'] as const;
/** 'unknown' is never accepted as input: it marks requests stored before the jurisdiction was recorded (migration 8). */
export type Jurisdiction = (typeof JURISDICTIONS)[number] | 'unknown';

export interface ScreenInput {
  agency: string;
  agencyKind: AgencyKind;
  agencyJurisdiction: Jurisdiction;
  /** The NCIC ORI, already checked to be 2 letters + 7 letters or digits; null when none was given. */
  agencyOri: string | null;
  purpose: string;
  legalBasis: string;
}

export type RefusalRule = 'immigration' | 'not-california-public-agency' | 'jurisdiction-unknown' | 'ori-mismatch';

export interface RefusalGround {
  rule: RefusalRule;
  law: string;
  reason: string;
}

export type Screening =
  /** `grounds` in priority order (immigration first); `reason` gives them all; `terms`: the immigration terms found. */
  | { outcome: 'refused'; reason: string; grounds: RefusalGround[]; terms: string[] }
  | { outcome: 'records-process'; reason: string }
  | { outcome: 'needs-decision' };

/** Matched against text lower-cased with "." and "§" removed and other punctuation turned to spaces. */
const IMMIGRATION_TERMS: readonly [string, RegExp][] = [
  ['immigration', /\bimmigra(tion|nt|nts)?\b/],
  ['deportation', /\bdeport(ation|ations|ed|ing|able)?\b/],
  ['removal proceedings', /\bremoval (proceeding|proceedings|order|orders|hearing)\b/],
  ['8 U.S.C.', /\b8 ?usc\b/],
  ['Title 8', /\btitle (8|viii)\b/],
  ['alien', /\b(illegal |undocumented |criminal )?aliens?\b/],
  ['undocumented', /\bundocumented\b/],
  ['citizenship status', /\bcitizenship status\b/],
  ['unlawful presence', /\bunlawful(ly)? presen(ce|t)\b/],
  ['visa overstay', /\bvisa overstay/],
  ['287(g)', /\b287 ?g\b/],
  ['Customs and Border Protection', /\bcustoms and border protection\b|\bcbp\b|\bborder patrol\b/],
  ['Enforcement and Removal Operations', /\benforcement and removal\b/],
];

/** "ICE" is matched on the original text, upper case only: lower-case "ice" is also slang for methamphetamine. */
const ICE = /(^|[^A-Za-z])I\.?C\.?E\.?(?![A-Za-z])/;

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[.§]/g, '')
    .replace(/[^a-z0-9]+/g, ' ');
}

/** The immigration-enforcement terms found in `texts` (empty: none). */
export function immigrationTerms(...texts: string[]): string[] {
  const found = new Set<string>();
  for (const t of texts) {
    if (ICE.test(t)) found.add('ICE');
    const n = normalise(t);
    for (const [name, re] of IMMIGRATION_TERMS) if (re.test(n)) found.add(name);
  }
  return [...found];
}

export function isCaliforniaPublicAgency(j: Jurisdiction): j is 'california-state' | 'california-local' {
  return j === 'california-state' || j === 'california-local';
}

const NOT_CALIFORNIA: Record<Exclude<Jurisdiction, 'california-state' | 'california-local' | 'unknown'>, string> = {
  'other-state': "another state's agency",
  federal: 'a federal agency',
  // Tribes are sovereign, not the state or a political subdivision of it (§ 1798.90.5(f)).
  tribal: 'a tribal agency',
  foreign: "a foreign government's agency",
  'non-government': 'not a government body',
};

/** The jurisdiction and ORI grounds (rule 2), in the order they are reported. */
function jurisdictionGrounds(r: ScreenInput): RefusalGround[] {
  const j = r.agencyJurisdiction;
  if (j === 'unknown') {
    return [
      {
        rule: 'jurisdiction-unknown',
        law: SB34,
        reason: `the receiving agency's jurisdiction was not recorded (a request entered before it was required), so it is not shown to be a California public agency: refuse this request and enter a new one with its jurisdiction (${SB34})`,
      },
    ];
  }
  if (!isCaliforniaPublicAgency(j)) {
    return [
      {
        rule: 'not-california-public-agency',
        law: SB34,
        reason: `${r.agency} is ${NOT_CALIFORNIA[j]} (${j}), not a California public agency; ${SB34} allows ALPR information to be shared only with California state and local agencies`,
      },
    ];
  }
  const oriState = r.agencyOri?.slice(0, 2);
  if (oriState !== undefined && oriState !== 'CA') {
    return [
      {
        rule: 'ori-mismatch',
        law: SB34,
        reason: `the ORI ${r.agencyOri} belongs to state ${oriState}, but the jurisdiction says ${j}: a mismatch, fix the request (jurisdiction or ORI) and enter it again; only California public agencies may receive ALPR information (${SB34})`,
      },
    ];
  }
  return [];
}

export function screenRequest(r: ScreenInput): Screening {
  const grounds: RefusalGround[] = [];
  const terms = immigrationTerms(r.purpose, r.legalBasis, r.agency);
  if (terms.length > 0) {
    grounds.push({
      rule: 'immigration',
      law: VALUES_ACT,
      reason: `the request concerns immigration enforcement (${terms.join(', ')}); ${VALUES_ACT} forbids using agency resources for it`,
    });
  }
  // A non-government body asks through the public records process, which is not sharing between
  // agencies: rule 3 handles it unless it claims to be law enforcement or a prosecutor.
  const recordsRoute = r.agencyKind === 'other' && r.agencyJurisdiction === 'non-government';
  if (!recordsRoute) grounds.push(...jurisdictionGrounds(r));
  if (grounds.length > 0) {
    return { outcome: 'refused', grounds, terms, reason: `refused automatically: ${grounds.map((g) => g.reason).join('; and ')}` };
  }
  if (r.agencyKind !== 'law-enforcement' && r.agencyKind !== 'prosecutor') {
    return {
      outcome: 'records-process',
      reason: `${r.agency} is not a law-enforcement or prosecutorial agency: routed to the public records process, nothing exported`,
    };
  }
  return { outcome: 'needs-decision' };
}
