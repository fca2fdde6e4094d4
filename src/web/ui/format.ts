import { html, type SafeHtml } from './html.ts';

const NUMBER = new Intl.NumberFormat('en-US');

/** 12,345 — thousands separators for counts shown to staff. */
export const formatCount = (n: number): string => NUMBER.format(n);

/** "just now", "5 min ago", "3 h ago", "2 d ago", "4 mo ago" relative to `now` (future times read "in …"). */
export function relativeAge(iso: string, now: Date): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now.getTime() - t) / 1000);
  const abs = Math.abs(s);
  const unit =
    abs < 45
      ? null
      : abs < 3600
        ? `${Math.round(abs / 60)} min`
        : abs < 86_400
          ? `${Math.round(abs / 3600)} h`
          : abs < 60 * 86_400
            ? `${Math.round(abs / 86_400)} d`
            : abs < 730 * 86_400
              ? `${Math.round(abs / (30 * 86_400))} mo`
              : `${Math.round(abs / (365 * 86_400))} y`;
  if (!unit) return 'just now';
  return s >= 0 ? `${unit} ago` : `in ${unit}`;
}

/** `2026-11-30 08:52 UTC`: the server-side rendering of an instant (the page script shows it in local time). */
export const utcMinute = (iso: string): string =>
  Number.isNaN(Date.parse(iso)) ? iso : `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * A `<time>` element: the relative age as text, the exact instant as its title. `data-local` lets the
 * page script replace the title with the reader's local time.
 */
export const timeAgo = (iso: string, now: Date): SafeHtml =>
  html`<time datetime="${iso}" title="${utcMinute(iso)}" data-local="title">${relativeAge(iso, now)}</time>`;

/** A `<time>` element showing the exact instant (UTC on the server; local time after the page script runs). */
export const timeAt = (iso: string): SafeHtml =>
  html`<time datetime="${iso}" data-local="text">${utcMinute(iso)}</time>`;
