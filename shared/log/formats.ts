// The file formats of the decision log (the Jira CSV is a tracker import, SPEC 8), for the HTTP API and the command line.
import type { DecisionLog } from './types.js';
import type { LogFormat } from './filename.js';
import { toJson } from './json.js';
import { toMarkdown } from './markdown.js';
import { toCsv } from './csv.js';
import { toJiraCsv } from './jira.js';

export const LOG_FORMATS: Record<LogFormat, { contentType: string; render: (log: DecisionLog) => string }> = {
  json: { contentType: 'application/json; charset=utf-8', render: toJson },
  md: { contentType: 'text/markdown; charset=utf-8', render: toMarkdown },
  csv: { contentType: 'text/csv; charset=utf-8; header=present', render: toCsv },
  'jira.csv': { contentType: 'text/csv; charset=utf-8; header=present', render: toJiraCsv },
};

export const isLogFormat = (s: string): s is LogFormat => Object.hasOwn(LOG_FORMATS, s);
