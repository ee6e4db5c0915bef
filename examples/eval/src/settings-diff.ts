/** One setting that differs: its name and both values as JSON. */
export interface SettingChange {
  key: string;
  before: string;
  after: string;
}

/** The keys of `before` ∪ `after` whose JSON values differ, in a stable order. */
export function settingChanges(before: object, after: object): SettingChange[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .map((key) => ({ key, before: JSON.stringify(a[key]) ?? 'absent', after: JSON.stringify(b[key]) ?? 'absent' }))
    .filter((c) => c.before !== c.after);
}

/** `eps 0.031 → 0.062, attack "pgd" → "apgd"` (long values shortened). */
export function formatChanges(changes: SettingChange[]): string {
  const short = (v: string) => (v.length > 40 ? `${v.slice(0, 37)}...` : v);
  return changes.map((c) => `${c.key} ${short(c.before)} → ${short(c.after)}`).join(', ');
}
