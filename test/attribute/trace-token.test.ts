import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyring, keyringFromConfig } from '../../src/attribute/token-keyring.ts';
import { traceTokenRegex } from '../../src/report/trace-token-pattern.ts';
import {
  MAX_COMPACT_CHARS,
  mintTraceToken,
  openTraceToken,
  type FullTraceClaims,
} from '../../src/attribute/trace-token.ts';
import { loadConfig, type ConfigError } from '../../src/config/load-config.ts';

const secret = (c: string): string => c.repeat(40);
const keyring = createKeyring([{ id: 'k2026', secret: secret('a') }], 'k2026');
const full: FullTraceClaims = {
  client: 'acme',
  campaign: 'acme-spring-sale',
  recipient: 'jane@example.net',
  sentAt: new Date('2026-11-02T08:00:00Z'),
};
const compact = { clientId: 3, campaignId: 17, sendId: 123_456, sentAt: new Date('2026-11-02T08:00:00Z') };
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Every single-character substitution of the token. */
function* tampered(token: string): Generator<string> {
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    const other = ALPHABET[(ALPHABET.indexOf(c) + 1 + (i % 7)) % ALPHABET.length]!;
    yield token.slice(0, i) + (other === c ? 'A' : other) + token.slice(i + 1);
  }
}

describe('trace tokens', () => {
  it('round-trips the full form, with and without sendId', () => {
    const t = mintTraceToken(full, keyring);
    expect(t.startsWith('adt1')).toBe(true);
    expect(openTraceToken(t, keyring)).toEqual({ ...full, form: 'full', keyId: 'k2026' });
    const withId = mintTraceToken({ ...full, sendId: 'esp-42' }, keyring);
    expect(openTraceToken(withId, keyring)).toMatchObject({
      sendId: 'esp-42',
      recipient: 'jane@example.net',
    });
  });

  it('keeps the full form short enough for a header or URL path (< 120 characters for a typical send)', () => {
    expect(mintTraceToken(full, keyring).length).toBeLessThan(120);
    expect(
      mintTraceToken({ ...full, recipient: 'jane.doe+news@gmail.com', sendId: '123456789' }, keyring).length,
    ).toBeLessThan(120);
  });

  it('round-trips every shape the compact claim encoding distinguishes', () => {
    const variants: FullTraceClaims[] = [
      { ...full, campaign: 'spring-sale' }, // campaign not prefixed by the client slug
      { ...full, campaign: 'acme-' }, // the bare prefix is stored whole
      { ...full, recipient: 'Jane.Doe@GMAIL.com' }, // case is kept, so the dictionary does not apply
      { ...full, recipient: 'jane@gmail.com', sendId: '0' },
      { ...full, recipient: 'o"brien@x@example.org', sendId: '007' }, // last @ splits; leading zeros stay text
      {
        ...full,
        client: 'globex',
        campaign: 'globex-rentrée',
        recipient: 'élodie@exemple.fr',
        sendId: 'a/b c',
      },
    ];
    for (const claims of variants)
      expect(openTraceToken(mintTraceToken(claims, keyring), keyring)).toEqual({
        ...claims,
        form: 'full',
        keyId: 'k2026',
      });
  });

  it('round-trips the compact form, including a send without campaign', () => {
    const t = mintTraceToken(compact, keyring);
    expect(t.startsWith('adt2')).toBe(true);
    expect(openTraceToken(t, keyring)).toEqual({ ...compact, form: 'compact', keyId: 'k2026' });
    const none = mintTraceToken({ ...compact, campaignId: null }, keyring);
    expect(openTraceToken(none, keyring)).toMatchObject({ campaignId: null, sendId: 123_456 });
  });

  it('keeps whole seconds of the send time, also before the encoding epoch', () => {
    const sentAt = new Date('2026-11-02T08:00:00.987Z');
    expect(openTraceToken(mintTraceToken({ ...full, sentAt }, keyring), keyring)?.sentAt.toISOString()).toBe(
      '2026-11-02T08:00:00.000Z',
    );
    const old = new Date('2019-06-30T23:59:59Z');
    expect(openTraceToken(mintTraceToken({ ...compact, sentAt: old }, keyring), keyring)?.sentAt).toEqual(
      old,
    );
  });

  it('fits the compact form in a VERP local part (≤ 64 characters of [A-Za-z0-9_-]) even with large ids', () => {
    const big = {
      clientId: 16_383,
      campaignId: 2_097_151,
      sendId: 2 ** 35 - 1,
      sentAt: new Date('2029-01-01T00:00:00Z'),
    };
    for (const claims of [compact, big]) {
      const t = mintTraceToken(claims, keyring);
      expect(t.length).toBeLessThanOrEqual(MAX_COMPACT_CHARS);
      expect(t).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(openTraceToken(t, keyring)).toMatchObject(claims);
    }
    expect(() =>
      mintTraceToken({ ...big, clientId: 2 ** 40, campaignId: 2 ** 40, sendId: 2 ** 50 }, keyring),
    ).toThrow(RangeError);
  });

  it('refuses to open a token with any one character changed, truncated or extended', () => {
    for (const t of [mintTraceToken(full, keyring), mintTraceToken(compact, keyring)]) {
      let n = 0;
      for (const bad of tampered(t)) {
        expect(bad).not.toBe(t);
        expect(openTraceToken(bad, keyring), bad).toBeNull();
        n++;
      }
      expect(n).toBe(t.length);
      expect(openTraceToken(t.slice(0, -1), keyring)).toBeNull();
      expect(openTraceToken(`${t}A`, keyring)).toBeNull();
      // The version digit is bound as associated data: a full token relabelled compact (or back) does not open.
      expect(
        openTraceToken(t.startsWith('adt1') ? `adt2${t.slice(4)}` : `adt1${t.slice(4)}`, keyring),
      ).toBeNull();
    }
  });

  it('refuses a token sealed with another key, even under the same key id', () => {
    const t = mintTraceToken(full, keyring);
    expect(openTraceToken(t, createKeyring([{ id: 'k2026', secret: secret('b') }], 'k2026'))).toBeNull();
    expect(openTraceToken(t, createKeyring([{ id: 'other', secret: secret('a') }], 'other'))).toBeNull();
    const c = mintTraceToken(compact, keyring);
    expect(openTraceToken(c, createKeyring([{ id: 'k2026', secret: secret('b') }], 'k2026'))).toBeNull();
  });

  it('rotates keys: old tokens still open after a new active key is added, and stop when the old key is removed', () => {
    const before = createKeyring([{ id: 'old', secret: secret('o') }], 'old');
    const oldFull = mintTraceToken(full, before);
    const oldCompact = mintTraceToken(compact, before);
    const during = createKeyring(
      [
        { id: 'old', secret: secret('o') },
        { id: 'new', secret: secret('n') },
      ],
      'new',
    );
    expect(openTraceToken(oldFull, during)).toMatchObject({ keyId: 'old', recipient: full.recipient });
    expect(openTraceToken(oldCompact, during)).toMatchObject({ keyId: 'old', sendId: compact.sendId });
    const fresh = mintTraceToken(full, during);
    expect(openTraceToken(fresh, during)?.keyId).toBe('new');
    expect(openTraceToken(fresh, before)).toBeNull();
    const after = createKeyring([{ id: 'new', secret: secret('n') }], 'new');
    expect(openTraceToken(oldFull, after)).toBeNull();
    expect(openTraceToken(oldCompact, after)).toBeNull();
    expect(openTraceToken(mintTraceToken(full, during, { keyId: 'old' }), before)?.keyId).toBe('old');
  });

  it('is opaque: neither the recipient nor the slugs can be read from the token or its base64 decoding', () => {
    const t = mintTraceToken(full, keyring);
    const decoded = Buffer.from(t.slice(4), 'base64url').toString('latin1');
    for (const secretPart of ['jane@example.net', 'jane', 'example.net', 'acme-spring-sale', 'acme']) {
      expect(t).not.toContain(secretPart);
      expect(decoded).not.toContain(secretPart);
    }
    // A fresh nonce per token: the same send minted twice gives unrelated tokens.
    expect(mintTraceToken(full, keyring)).not.toBe(t);
  });

  it('matches the shape the extract stage searches for, in a header, a URL and a VERP address', () => {
    for (const t of [mintTraceToken(full, keyring), mintTraceToken(compact, keyring)]) {
      for (const text of [
        `X-Abusedesk-Trace: ${t}`,
        `https://esp.example/u/${t}?x=1`,
        `<bounce+${t}@esp.example>`,
      ]) {
        const found = [...text.matchAll(traceTokenRegex())].map((m) => m[0]);
        expect(found).toEqual([t]);
      }
    }
  });

  it('never throws and never opens on arbitrary or token-shaped strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 500 }), fc.stringMatching(/^adt[1-9][A-Za-z0-9_-]{30,420}$/)),
        (s) => {
          expect(openTraceToken(s, keyring)).toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects claims that are not what the type says', () => {
    expect(() => mintTraceToken({ ...full, client: '' }, keyring)).toThrow(TypeError);
    expect(() => mintTraceToken({ ...full, recipient: 'jane' }, keyring)).toThrow(TypeError);
    expect(() => mintTraceToken({ ...full, sentAt: new Date('nope') }, keyring)).toThrow(TypeError);
    expect(() => mintTraceToken({ ...compact, sendId: 0 }, keyring)).toThrow(TypeError);
    expect(() => mintTraceToken({ ...full, recipient: `${'x'.repeat(400)}@example.com` }, keyring)).toThrow(
      RangeError,
    );
    expect(() => mintTraceToken(full, keyring, { keyId: 'missing' })).toThrow(RangeError);
  });
});

describe('keyringFromConfig', () => {
  it('defaults to the demo key, and says so', () => {
    const k = keyringFromConfig(loadConfig({ env: {} }).config);
    expect(k.active.id).toBe('demo1');
    expect(k.usesDemoKey).toBe(true);
  });

  it('takes keys and the active id from the environment', () => {
    const env = {
      ABUSEDESK_TOKENS_KEYS: JSON.stringify([
        { id: 'a1', secret: secret('x') },
        { id: 'b2', secret: secret('y') },
      ]),
      ABUSEDESK_TOKENS_ACTIVE_KEY_ID: 'b2',
    };
    const k = keyringFromConfig(loadConfig({ env }).config);
    expect([k.active.id, [...k.keys.keys()], k.usesDemoKey]).toEqual(['b2', ['a1', 'b2'], false]);
  });

  it('reports an active key id that names no key, and a short secret, by config key', () => {
    const env = { ABUSEDESK_TOKENS_KEYS: JSON.stringify([{ id: 'a1', secret: 'short' }]) };
    const problems = (() => {
      try {
        loadConfig({ env });
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    })();
    expect(problems.join('\n')).toMatch(/tokens\.keys\.0\.secret: .*32 characters/);
    const e2 = { ABUSEDESK_TOKENS_KEYS: JSON.stringify([{ id: 'a1', secret: secret('x') }]) };
    expect(() => loadConfig({ env: e2 })).toThrow(
      /tokens\.activeKeyId: no key in tokens\.keys has id "demo1"/,
    );
  });
});
