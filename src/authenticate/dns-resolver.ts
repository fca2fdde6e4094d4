/**
 * The DNS lookup function every authentication step receives, with the signature mailauth expects:
 * `resolver(name, rrtype)` resolving like `dns.promises.resolve` (TXT → string[][], A/AAAA → string[],
 * MX → { exchange, priority }[]) and rejecting with `err.code` `ENOTFOUND` (no such name) or `ENODATA`
 * (name exists, no records of that type), like node:dns does.
 */
export interface MxRecord {
  exchange: string;
  priority: number;
}

export type DnsAnswer = string[][] | string[] | MxRecord[];

export type DnsResolver = (name: string, rrtype: string) => Promise<DnsAnswer>;

/** An Error carrying a node:dns style `code` (ENOTFOUND, ENODATA, ETIMEOUT…). */
export interface DnsError extends Error {
  code: string;
  hostname: string;
  syscall: string;
}

const SYSCALLS: Record<string, string> = {
  A: 'queryA',
  AAAA: 'queryAaaa',
  MX: 'queryMx',
  TXT: 'queryTxt',
  PTR: 'queryPtr',
  CNAME: 'queryCname',
  NS: 'queryNs',
};

/** Builds the error node:dns rejects with, e.g. `queryTxt ENOTFOUND example.org`. */
export function dnsError(code: string, name: string, rrtype: string): DnsError {
  const syscall = SYSCALLS[rrtype.toUpperCase()] ?? `query${rrtype}`;
  return Object.assign(new Error(`${syscall} ${code} ${name}`), { code, hostname: name, syscall });
}
