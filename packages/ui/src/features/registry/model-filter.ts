/** The models search box: MLflow's registered-model filter grammar, or plain text as a name search. */

// A comparison or LIKE in the text means the user wrote the grammar (`name LIKE '%x%'`, `tags.team = 'a'`).
const GRAMMAR = /(=|!=|<|>|\s(i?like)\s)/i;

/** The filter to send: the text as typed when it is a filter, else `name ILIKE '%text%'`; undefined when blank. */
export function modelSearchFilter(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (GRAMMAR.test(t)) return t;
  return `name ILIKE '%${t.replace(/'/g, "''")}%'`;
}
