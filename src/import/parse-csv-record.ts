/**
 * Splits one CSV record into fields (RFC 4180 §2): fields separated by commas; a field in double quotes may
 * hold commas, line breaks and quotes doubled (`""`). Returns `incomplete` while a quoted field is still
 * open at the end of `text`, so the caller appends the next line and tries again.
 */
export function parseCsvRecord(
  text: string,
): { fields: string[] } | { incomplete: true } | { error: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return { incomplete: true };
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return { fields };
      if (text[i] !== ',')
        return {
          error: `field ${fields.length}: text after a closing quote (quote the whole field and double inner quotes, RFC 4180 §2)`,
        };
      i++;
    } else {
      // Unquoted field: up to the next comma. A stray quote inside is kept as text (lenient, like most readers).
      const c = text.indexOf(',', i);
      if (c < 0) {
        fields.push(text.slice(i));
        return { fields };
      }
      fields.push(text.slice(i, c));
      i = c + 1;
    }
  }
}
