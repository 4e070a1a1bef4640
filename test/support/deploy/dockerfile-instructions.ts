/** One Dockerfile instruction, its continuation lines joined: `RUN npm ci` is RUN + "npm ci". */
export interface Instruction {
  keyword: string;
  args: string;
}

/** The instructions from one FROM to the next. */
export interface Stage {
  /** The image or earlier stage it starts from, without --platform. */
  base: string;
  /** The name after AS, if any. */
  name?: string;
  instructions: Instruction[];
}

/**
 * Reads Dockerfile text into stages. Enough of the format for static checks: comments and blank
 * lines dropped, backslash continuations joined, heredocs not supported.
 */
export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += continued ? line.replace(/\\\s*$/, ' ') : line;
    if (continued) continue;
    const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(pending);
    pending = '';
    if (match) instructions.push({ keyword: match[1].toUpperCase(), args: match[2].trim() });
  }

  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const as = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ base: words[0], name: as > 0 ? words[as + 1] : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

export function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The argv of an exec-form (JSON array) CMD or ENTRYPOINT; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((word) => typeof word === 'string')
    ? parsed
    : undefined;
}

/** Patterns of a .dockerignore file, without comments, blanks, leading ./ or / and trailing /. */
export function dockerignorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, ''));
}

/** Whether the patterns leave `path` (a top-level file or folder) out of the build context. */
export function isIgnored(patterns: string[], path: string): boolean {
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const body = (negated ? pattern.slice(1) : pattern).replace(/^\*\*\//, '');
    if (patternCovers(body, path)) ignored = !negated;
  }
  return ignored;
}

/** True when `body` names `path` or a folder above it; `*` stands for one name, `**` for any. */
function patternCovers(body: string, path: string): boolean {
  if (body === '*' || body === '**') return true;
  // A trailing `/**` adds nothing: a folder's pattern covers what is under it anyway.
  const source = body
    .replace(/\/\*\*$/, '')
    .split('/')
    .map((segment) =>
      segment === '**'
        ? '(?:.*/)?'
        : `${segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}/`,
    )
    .join('')
    .slice(0, -1);
  return new RegExp(`^${source}(/.*)?$`).test(path);
}
