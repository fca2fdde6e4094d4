import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { resolve } from 'node:path';
import { dkimSign } from 'mailauth';
import type { DKIMSignOptions } from 'mailauth';
import { createFakeResolver, type FakeZone } from '../authenticate/fake-resolver.ts';
import type { DnsResolver } from '../authenticate/dns-resolver.ts';
import { configSchema, type Config } from '../config/config-schema.ts';

/**
 * The demo reporters' own mail domains. They are under `.example`, reserved by RFC 2606 §2 and RFC 6761 §6.5:
 * no real mailbox can ever have one, so an acknowledgement "to" them reaches nobody, and the public demo key
 * below can vouch for nobody real.
 */
export const DEMO_REPORTER_DOMAINS = ['courriel.example', 'postfach.example'] as const;

const SELECTOR = 'demo';

/**
 * The demo DKIM key (Ed25519, RFC 8463), derived from a public seed so that `abusedesk demo send` (which signs)
 * and `abusedesk serve` (which verifies) agree without sharing a file. PUBLIC: it proves nothing outside a demo.
 */
function demoKey(): { privateKeyPem: string; publicKeyBase64: string } {
  const seed = createHash('sha256').update('abusedesk-DEMO-ONLY-dkim-key').digest();
  // PKCS#8 wrapping of a raw Ed25519 private key (RFC 8410 §7).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    // RFC 8463 §4.2: p= is the base64 of the raw 32-octet public key (the SPKI's last 32 octets).
    publicKeyBase64: spki.subarray(spki.length - 32).toString('base64'),
  };
}

/** The DNS of the demo reporter domains: the demo DKIM key and a DMARC record (RFC 7489 §6.1, p=none). */
export function demoZone(): FakeZone {
  const { publicKeyBase64 } = demoKey();
  const zone: FakeZone = {};
  for (const domain of DEMO_REPORTER_DOMAINS) {
    zone[`${SELECTOR}._domainkey.${domain}`] = { TXT: [[`v=DKIM1; k=ed25519; p=${publicKeyBase64}`]] };
    zone[`_dmarc.${domain}`] = { TXT: [['v=DMARC1; p=none']] };
    zone[domain] = { TXT: [] };
  }
  return zone;
}

/** Prepends the demo domain's DKIM-Signature (relaxed/relaxed, Ed25519) to a demo message. */
export async function signDemoMessage(message: string, domain: string): Promise<string> {
  const { privateKeyPem } = demoKey();
  // mailauth reads the keys from signatureData only; its typings still demand them at the top level. Without
  // signTime it rounds Date.now() to a second twice — for the header it signs and for the one it returns — so
  // one signature in a few thousand carries a t= it did not sign (a bad signature).
  const options = {
    signTime: new Date(),
    canonicalization: 'relaxed/relaxed',
    signatureData: [
      { signingDomain: domain, selector: SELECTOR, privateKey: privateKeyPem, algorithm: 'ed25519-sha256' },
    ],
  } as unknown as DKIMSignOptions;
  const { signatures, errors } = await dkimSign(message, options);
  if (errors.length > 0 || !signatures.startsWith('DKIM-Signature:'))
    throw new Error(`demo DKIM signing failed: ${errors.map((e) => e.message).join(', ')}`);
  return signatures + message;
}

/**
 * Whether the service runs as a demo: `demo.enabled`, or the out-of-the-box setup (`npm start`: the
 * default data dir with `demo.load` on). Only then is the demo zone answered locally.
 */
export function demoZoneActive(config: Pick<Config, 'dataDir' | 'demo'>): boolean {
  if (config.demo.enabled) return true;
  return config.demo.load && resolve(config.dataDir) === resolve(configSchema.shape.dataDir.parse(undefined));
}

/**
 * `resolver` with the demo reporter domains answered from demoZone() (names under them never reach the real
 * DNS); every other name goes to `resolver` unchanged.
 */
export function withDemoZone(resolver: DnsResolver): DnsResolver {
  const local = createFakeResolver(demoZone());
  const isDemoName = (name: string): boolean => {
    const n = name.toLowerCase().replace(/\.$/, '');
    return DEMO_REPORTER_DOMAINS.some((d) => n === d || n.endsWith(`.${d}`));
  };
  return (name, rrtype) => (isDemoName(name) ? local(name, rrtype) : resolver(name, rrtype));
}
