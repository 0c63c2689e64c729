import type { AppInfo } from '../contracts/app-info.js';

const MAX_LISTED = 5;
const MAX_ITEM = 60;

/**
 * The one line logged when the app is running. Bounded whatever the number of servers: at most
 * five names and five endpoints are listed, each cut to 60 characters, then "+N more".
 */
export function summaryLine(app: AppInfo, serverNames: readonly string[], startMs: number): string {
  const label = `${app.name || 'app'}${app.version ? `@${app.version}` : ''}`;
  const servers = `${serverNames.length} server${serverNames.length === 1 ? '' : 's'} ${list(serverNames)}`;
  return `${label} running (id ${app.id}) in ${Math.round(startMs)} ms: ${servers}, endpoints ${list(app.endpoints)}`;
}

function list(items: readonly string[]): string {
  const shown = items
    .slice(0, MAX_LISTED)
    .map((item) => (item.length > MAX_ITEM ? `${item.slice(0, MAX_ITEM - 1)}…` : item));
  const more = items.length > MAX_LISTED ? `, +${items.length - MAX_LISTED} more` : '';
  return `[${shown.join(', ')}${more}]`;
}
