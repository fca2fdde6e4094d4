// libmime ships no types; these are the few functions the MIME walker uses (libmime 5.3).
declare module 'libmime' {
  interface ParsedHeaderValue {
    value: string;
    params: Record<string, string>;
  }
  const libmime: {
    decodeWords(str: string): string;
    parseHeaderValue(str: string): ParsedHeaderValue;
  };
  export default libmime;
}

declare module 'libmime/lib/charset.js' {
  const charset: {
    /** Throws on an unknown charset. */
    decode(buf: Buffer, fromCharset?: string): string;
  };
  export default charset;
}
