// The README inside the .vsix: the repository's README without the images that live outside
// the extension folder (a .vsix cannot resolve them without a repository URL).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const text = readFileSync('README.md', 'utf8');
const kept = text
  .split('\n')
  .filter((line) => !/^\s*!\[[^\]]*\]\(\.\.\//.test(line))
  .join('\n')
  .replace(/\n{3,}/g, '\n\n');
mkdirSync('dist', { recursive: true });
writeFileSync('dist/README.md', kept);
