// The action table of docs/ceremony-script.md, built from the format's own tables, so a
// test can require the document to contain it verbatim (and so stay true).
import { PARAMS } from '../../../main/ceremony/script/schema';
import { ACTIONS, DEFAULT_ACKNOWLEDGEMENTS, IRREVERSIBLE_BY_DEFAULT, REQUIRED_PRECONDITIONS, type Acknowledgement } from '../../../main/ceremony/script/vocabulary';

interface Def {
  type: string;
  innerType?: unknown;
  shape?: Record<string, { _zod: { def: Def } }>;
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

function paramNames(action: (typeof ACTIONS)[number]): string {
  let def = defOf(PARAMS[action]);
  while ((def.type === 'default' || def.type === 'optional') && def.innerType) def = defOf(def.innerType);
  const shape = def.shape ?? {};
  const names = Object.entries(shape).map(([name, field]) => {
    const t = field._zod.def.type;
    return `\`${name}\`${t === 'optional' || t === 'default' ? '?' : ''}`;
  });
  return names.length === 0 ? 'none' : names.join(', ');
}

const ackText = (a: Acknowledgement) => (a.role === 'administrator' ? 'administrator' : `${a.count === 'all' ? 'all' : a.count} ${a.role}`);

export function actionTable(): string {
  const rows = ACTIONS.map((action) => {
    const pre = REQUIRED_PRECONDITIONS[action];
    return `| \`${action}\` | ${paramNames(action)} | ${pre.length === 0 ? 'none' : pre.join(', ')} | ${DEFAULT_ACKNOWLEDGEMENTS[action].map(ackText).join(', ')} | ${IRREVERSIBLE_BY_DEFAULT[action] ? 'yes' : 'no'} |`;
  });
  return ['| action | params (`?` optional) | preconditions (required, and the default) | acknowledgements (default) | irreversible (default) |', '|---|---|---|---|---|', ...rows].join('\n');
}
