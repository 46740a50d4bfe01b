/** Fills `{{name}}` placeholders. Unknown names stay visible so a missing datum is noticed in tests. */
export function renderMessage(template: string, data: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => data[name] ?? whole);
}
