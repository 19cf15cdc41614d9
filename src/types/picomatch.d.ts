// picomatch (tinyglobby's matcher) ships no declarations; qualwave uses only this.
declare module 'picomatch' {
  function picomatch(glob: string | string[], options?: { dot?: boolean }): (path: string) => boolean;
  export default picomatch;
}
