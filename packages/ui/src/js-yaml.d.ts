// The one js-yaml function the UI uses (the package ships no types; @types/js-yaml would be a second
// dependency for three lines). v4's `load` builds plain data only: no tags that construct objects.
declare module 'js-yaml' {
  export function load(text: string, options?: { filename?: string; json?: boolean }): unknown;
}
