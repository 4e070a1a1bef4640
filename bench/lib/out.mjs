/** Console output for the bench (plain writes, so the lint rule against console stays on). */
export function say(text = '') {
  process.stdout.write(`${text}\n`);
}

export function warn(text) {
  process.stderr.write(`${text}\n`);
}
