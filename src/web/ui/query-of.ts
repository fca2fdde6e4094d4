/** The query string of a set of filters, empty values dropped: for paging and filter links. */
export const queryOf = (q: Record<string, string | undefined>): string =>
  new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1])).toString();
