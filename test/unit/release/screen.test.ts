import { describe, expect, it } from 'vitest';
import { immigrationTerms, isCaliforniaPublicAgency, JURISDICTIONS, SB34, screenRequest, VALUES_ACT, type ScreenInput } from '../../../src/release/screen.ts';

const base: ScreenInput = {
  agency: 'Oakland Police Department',
  agencyKind: 'law-enforcement',
  agencyJurisdiction: 'california-local',
  agencyOri: 'CA0010900',
  purpose: 'stolen vehicle investigation',
  legalBasis: 'Penal Code 10851',
};

const SB34_TEXT = /Civil Code § 1798\.90\.55\(b\) \(SB 34\), as read in the Attorney General's Information Bulletin 2023-DLE-06/;

describe('screenRequest', () => {
  it('leaves a California law-enforcement or prosecutor request to an administrator', () => {
    expect(screenRequest(base)).toEqual({ outcome: 'needs-decision' });
    expect(screenRequest({ ...base, agency: 'Alameda County District Attorney', agencyKind: 'prosecutor', agencyOri: 'CA001013A' })).toEqual({ outcome: 'needs-decision' });
    expect(screenRequest({ ...base, agency: 'California Highway Patrol', agencyJurisdiction: 'california-state', agencyOri: 'CA0349400' })).toEqual({ outcome: 'needs-decision' });
    // No ORI is no mismatch (checkReleaseRequest, not the screen, requires one for law enforcement).
    expect(screenRequest({ ...base, agencyOri: null })).toEqual({ outcome: 'needs-decision' });
  });

  it.each([
    ['purpose', { purpose: 'civil immigration enforcement' }, 'immigration'],
    ['purpose', { purpose: 'locate subject for deportation' }, 'deportation'],
    ['purpose', { purpose: 'ICE detainer follow-up' }, 'ICE'],
    ['purpose', { purpose: 'request from I.C.E. field office' }, 'ICE'],
    ['purpose', { purpose: 'verify immigration status of driver' }, 'immigration'],
    ['legal basis', { legalBasis: '8 U.S.C. § 1357' }, '8 U.S.C.'],
    ['legal basis', { legalBasis: '8 USC 1324 alien smuggling' }, '8 U.S.C.'],
    ['legal basis', { legalBasis: 'INA Title 8 authority' }, 'Title 8'],
    ['purpose', { purpose: 'removal proceedings' }, 'removal proceedings'],
    ['purpose', { purpose: 'undocumented persons' }, 'undocumented'],
    ['agency', { agency: 'U.S. Immigration and Customs Enforcement' }, 'immigration'],
    ['agency', { agency: 'US Customs and Border Protection', agencyKind: 'law-enforcement' as const }, 'Customs and Border Protection'],
    ['purpose', { purpose: 'Border Patrol interdiction' }, 'Customs and Border Protection'],
    ['purpose', { purpose: 'assist with 287(g) program' }, '287(g)'],
  ])('refuses immigration enforcement named in the %s: %j', (_field, change, term) => {
    const s = screenRequest({ ...base, ...change });
    expect(s.outcome).toBe('refused');
    if (s.outcome !== 'refused') return;
    expect(s.terms).toContain(term);
    expect(s.grounds).toEqual([{ rule: 'immigration', law: VALUES_ACT, reason: expect.stringContaining(term) }]);
    expect(s.reason).toMatch(/^refused automatically: the request concerns immigration enforcement .*California Values Act \(Gov\. Code § 7284 et seq\.\)/);
  });

  it('refuses immigration enforcement even from a body that would otherwise go to records', () => {
    const s = screenRequest({ ...base, agencyKind: 'other', agencyJurisdiction: 'non-government', agencyOri: null, purpose: 'deportation' });
    expect(s).toMatchObject({ outcome: 'refused', grounds: [{ rule: 'immigration' }] });
  });

  it.each([
    ['other-state', 'Reno Police Department', 'NV0160200', "another state's agency"],
    ['federal', 'Federal Bureau of Investigation', 'CAFBISF00', 'a federal agency'],
    ['tribal', 'Yurok Tribal Police', 'CA0120900', 'a tribal agency'],
    ['foreign', 'Policía Municipal de Tijuana', null, "a foreign government's agency"],
  ] as const)('refuses a %s agency: not a California public agency (SB 34)', (jurisdiction, agency, ori, what) => {
    // A CA ORI does not make a federal or tribal office in California a California public agency.
    const s = screenRequest({ ...base, agency, agencyJurisdiction: jurisdiction, agencyOri: ori });
    expect(s.outcome).toBe('refused');
    if (s.outcome !== 'refused') return;
    expect(s.terms).toEqual([]);
    expect(s.grounds).toEqual([{ rule: 'not-california-public-agency', law: SB34, reason: expect.stringContaining(`${agency} is ${what} (${jurisdiction}), not a California public agency`) }]);
    expect(s.reason).toMatch(SB34_TEXT);
    expect(s.reason).toMatch(/^refused automatically: /);
  });

  it('refuses a non-California body of any kind, not only law enforcement', () => {
    for (const agencyKind of ['prosecutor', 'other'] as const) {
      expect(screenRequest({ ...base, agency: 'U.S. Attorney', agencyKind, agencyJurisdiction: 'federal' })).toMatchObject({
        outcome: 'refused',
        grounds: [{ rule: 'not-california-public-agency' }],
      });
    }
  });

  it('refuses a body claiming to be law enforcement that is not a government (the service rejects this input first)', () => {
    expect(screenRequest({ ...base, agency: 'Acme Security', agencyJurisdiction: 'non-government', agencyOri: null })).toMatchObject({
      outcome: 'refused',
      grounds: [{ rule: 'not-california-public-agency', reason: expect.stringContaining('Acme Security is not a government body (non-government)') }],
    });
  });

  it('keeps the immigration ground first when the agency is also outside California, and gives both', () => {
    const s = screenRequest({ ...base, agency: 'ICE Enforcement and Removal Operations', agencyJurisdiction: 'federal', agencyOri: 'DCICE0000', purpose: 'locate for removal' });
    expect(s.outcome).toBe('refused');
    if (s.outcome !== 'refused') return;
    expect(s.grounds.map((g) => [g.rule, g.law])).toEqual([
      ['immigration', VALUES_ACT],
      ['not-california-public-agency', SB34],
    ]);
    expect(s.terms).toEqual(['ICE', 'Enforcement and Removal Operations']);
    expect(s.reason).toMatch(/^refused automatically: the request concerns immigration enforcement \(ICE, Enforcement and Removal Operations\); California Values Act .* forbids using agency resources for it; and ICE Enforcement and Removal Operations is a federal agency \(federal\), not a California public agency/);
  });

  it('refuses a request stored before the jurisdiction was recorded', () => {
    for (const agencyKind of ['law-enforcement', 'other'] as const) {
      const s = screenRequest({ ...base, agencyKind, agencyJurisdiction: 'unknown' });
      expect(s).toMatchObject({ outcome: 'refused', grounds: [{ rule: 'jurisdiction-unknown', law: SB34 }] });
      if (s.outcome === 'refused') expect(s.reason).toMatch(/jurisdiction was not recorded .* enter a new one with its jurisdiction/);
    }
  });

  it('refuses a California jurisdiction whose ORI belongs to another state, as a mismatch to fix', () => {
    for (const agencyJurisdiction of ['california-state', 'california-local'] as const) {
      const s = screenRequest({ ...base, agencyJurisdiction, agencyOri: 'NV0160200' });
      expect(s).toMatchObject({ outcome: 'refused', terms: [], grounds: [{ rule: 'ori-mismatch', law: SB34 }] });
      if (s.outcome === 'refused') {
        expect(s.reason).toBe(
          `refused automatically: the ORI NV0160200 belongs to state NV, but the jurisdiction says ${agencyJurisdiction}: a mismatch, fix the request (jurisdiction or ORI) and enter it again; only California public agencies may receive ALPR information (${SB34})`,
        );
      }
    }
    // With an immigration purpose too, the immigration ground comes first.
    expect(screenRequest({ ...base, agencyOri: 'AZ0070000', purpose: 'ICE' })).toMatchObject({ grounds: [{ rule: 'immigration' }, { rule: 'ori-mismatch' }] });
  });

  it('routes a body that is neither law enforcement nor prosecutorial to the records process', () => {
    const press = screenRequest({ ...base, agency: 'Daily Gazette', agencyKind: 'other', agencyJurisdiction: 'non-government', agencyOri: null, purpose: 'news story' });
    expect(press).toEqual({ outcome: 'records-process', reason: expect.stringMatching(/Daily Gazette is not a law-enforcement or prosecutorial agency: routed to the public records process/) });
    // A California public agency that is not law enforcement (a city's parking office) also goes to records.
    expect(screenRequest({ ...base, agency: 'Oakland Parking Enforcement', agencyKind: 'other', agencyOri: null }).outcome).toBe('records-process');
  });

  it('does not refuse ordinary wording that merely contains the letters', () => {
    expect(immigrationTerms('police service call', 'justice department', 'narcotics: crystal meth ("ice") sales', 'removal of abandoned vehicle', 'Alice Street burglary')).toEqual([]);
  });
});

describe('isCaliforniaPublicAgency', () => {
  it('is true for California state and local agencies only', () => {
    expect(JURISDICTIONS.filter(isCaliforniaPublicAgency)).toEqual(['california-state', 'california-local']);
    expect(isCaliforniaPublicAgency('unknown')).toBe(false);
  });
});
