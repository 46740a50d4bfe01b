/** Fills `{{name}}` placeholders. Unknown names stay visible so a missing datum is noticed in tests. */
export function renderMessage(template: string, data: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => data[name] ?? whole);
}

/** An error's first line, cut to 200 characters: enough to report a bug, too little to carry a file's text. */
export function firstLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
  return message.length > 200 ? `${message.slice(0, 199)}…` : message;
}
