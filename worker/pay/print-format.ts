/** `2026-11-24` or an ISO timestamp → `24/11/2026`, the way French invoices write dates. */
export function formatDay(value: string | null): string {
  if (!value) return "—";
  const [year, month, day] = value.slice(0, 10).split("-");
  return `${day}/${month}/${year}`;
}
