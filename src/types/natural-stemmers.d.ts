// natural's stemmers are CommonJS modules without their own declarations at these paths.
declare module 'natural/lib/natural/stemmers/*' {
  const stemmer: { stem(word: string): string };
  export default stemmer;
}
