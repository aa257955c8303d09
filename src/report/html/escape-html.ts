const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values alike. Every string that
 * comes from a report (task ids, op names, messages, planner names) goes through here: a DAG is
 * user input, and a task id like `<img onerror=...>` must show as text.
 */
export function escapeHtml(value: string | number | boolean): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}
