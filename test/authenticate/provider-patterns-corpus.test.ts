import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { authenticateReport } from '../../src/authenticate/authenticate-report.ts';
import { loadProviderRegistry, providerFromPatterns } from '../../src/authenticate/provider-registry.ts';
import { readReportHeaders } from '../../src/authenticate/read-report-headers.ts';

// The shared corpus of real reports (../shared/corpus/arf, never copied into the repository).
const corpus = fileURLToPath(new URL('../../../shared/corpus/arf/', import.meta.url));
const present = existsSync(corpus);
if (!present) console.warn(`skipping provider corpus test: ${corpus} not found`);

const registry = loadProviderRegistry();

// The provider each sample's sender, User-Agent or DKIM d= should name (INDEX.tsv notes).
const expected: [file: string, provider: string | null][] = [
  ['mantamta-yahoo.eml', 'yahoo'],
  ['abuseio-fbl-Yahoo_example_1.eml', 'yahoo'],
  ['sisimai-arf-02.eml', 'yahoo'],
  ['mantamta-aol.eml', 'aol'],
  ['phpbh-arf5.eml', 'aol'],
  ['mantamta-hotmail.eml', 'microsoft'],
  ['phpbh-hotmailbounce.eml', 'microsoft'],
  ['sisimai-arf-23.eml', 'microsoft'],
  ['phpbh-fbl-comcast.eml', 'comcast'],
  ['abuseio-fbl-Comcast_example_1.eml', 'comcast'],
  ['abuseio-fbl-Cox_example_1.eml', 'cox'],
  ['abuseio-fbl-Fastmail_example_1.eml', 'fastmail'],
  ['mantamta-fastmail.eml', 'fastmail'],
  ['abuseio-fbl-OpenSRS_example_1.eml', 'opensrs'],
  ['abuseio-fbl-Rackspace_example_1.eml', 'rackspace'],
  ['sisimai-arf-25.eml', 'rackspace'],
  ['abuseio-fbl-RoadRunner_example_1.eml', 'spectrum'],
  ['abuseio-fbl-Synacor_example_1.eml', 'synacor'],
  ['abuseio-fbl-USANet_example_1.eml', 'usanet'],
  ['abuseio-fbl-Bluetie_example_1.eml', 'bluetie'],
  ['sisimai-arf-21.eml', 'terra'],
  ['abuseio-fbl-Zoho_example_1.eml', 'zoho'],
  ['sisimai-arf-14.eml', 'amazon-ses'],
  ['sisimai-arf-15.eml', 'validity'],
  ['sisimai-arf-17.eml', 'abusix'],
  ['abuseio-spamexperts-01.eml', 'spamexperts'],
  ['emailarf-example0.eml', null],
  ['sisimai-arf-01.eml', null],
];

describe.skipIf(!present)('provider patterns on the shared ARF corpus', () => {
  it.each(expected)('%s → %s', async (file, provider) => {
    const raw = readFileSync(`${corpus}${file}`);
    const headers = readReportHeaders(raw);
    expect(
      providerFromPatterns(registry, {
        from: headers.from,
        userAgent: headers.userAgent,
        dkimDomains: headers.claimedDkimDomains,
      }),
    ).toBe(provider);
    const offline = await authenticateReport(raw, { providers: registry });
    expect(offline).toMatchObject({ providerByPattern: provider, trusted: false, dkim: 'unchecked' });
  });
});
