import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** One command of a fenced `sh` block, as a reader would paste it. */
export interface ReadmeCommand {
  /** The heading the block is under (`## Self-hosting the collector`); '' before any. */
  heading: string;
  /** Continuation lines joined, the trailing `# comment` dropped. */
  text: string;
}

// A comment starts at a `#` after whitespace; the README's commands quote no `#`.
const withoutComment = (line: string) => line.replace(/\s+#\s.*$/, '').trimEnd();

/**
 * The commands of every fenced `sh` block of a Markdown file, in order: what the reader is
 * told to run, read the way a shell would (a line ending in `\` goes on).
 */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let heading = '';
  let inBlock = false;
  let pending = '';
  for (const line of markdown.split('\n')) {
    if (!inBlock) {
      if (/^#{1,6} /.test(line)) heading = line.trim();
      else if (line.trim() === '```sh') inBlock = true;
      continue;
    }
    if (line.trim() === '```') {
      inBlock = false;
      continue;
    }
    const code = withoutComment(line);
    if (code.endsWith('\\')) {
      pending += `${code.slice(0, -1).trim()} `;
      continue;
    }
    const text = (pending + code.trim()).trim();
    pending = '';
    if (text) commands.push({ heading, text });
  }
  return commands;
}

/** The root README's commands. */
export const rootReadmeCommands = (): ReadmeCommand[] =>
  readmeCommands(readFileSync(`${REPO}README.md`, 'utf8'));

/** The lines of the root README's fenced `html` blocks. */
export const rootReadmeHtmlLines = (): string[] => {
  const blocks = readFileSync(`${REPO}README.md`, 'utf8').matchAll(/```html\n([\s\S]*?)```/g);
  return [...blocks].flatMap((block) => (block[1] ?? '').split('\n'));
};

/** The root README's fenced `js` block that contains `text`. */
export const rootReadmeJs = (text: string): string => {
  const blocks = readFileSync(`${REPO}README.md`, 'utf8').matchAll(/```js\n([\s\S]*?)```/g);
  const block = [...blocks].map((b) => b[1] ?? '').find((code) => code.includes(text));
  if (block === undefined) throw new Error(`no js block with ${text} in README.md`);
  return block;
};
