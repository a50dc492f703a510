/** Search: filter and order_by parsing, page tokens, and SQL compilers for each search. */
export type { Comparison, FilterNode, FilterValue, Identifier, Operator } from './filter-ast';
export { parseFilter } from './filter-parser';
export { parseOrderBy, type OrderBy } from './order-by';
export {
  decodeCursorToken,
  decodePageToken,
  encodeCursorToken,
  encodePageToken,
  type Cursor,
} from './page-token';
export { compileRunSearch, type RunSearchInput } from './run-search-sql';
export { compileExperimentSearch, type ExperimentSearchInput } from './experiment-search-sql';
export type { Fragment } from './sql-fragment';
export { compileRegisteredModelSearch, type RegisteredModelSearchInput } from './registered-model-search-sql';
export { compileModelVersionSearch, type ModelVersionSearchInput } from './model-version-search-sql';
