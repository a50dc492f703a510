// The js-yaml surface MLproject parsing uses (the package ships no types). v4's `load` builds plain
// data only; a syntax error is a YAMLException whose `mark` says where (0-based line and column).
declare module 'js-yaml' {
  export function load(text: string, options?: { filename?: string; json?: boolean }): unknown;
  export class YAMLException extends Error {
    reason: string;
    mark?: { line: number; column: number };
  }
}
