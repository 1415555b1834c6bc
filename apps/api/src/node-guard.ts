// The machines' system Node is 20; Nest 12, MikroORM 7 and better-sqlite3's prebuild need Node 24
// (npm scripts put node_modules/.bin/node, Node 24, first on PATH). Fail fast instead of crashing later.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`Roster needs Node.js 24 or newer (this is ${process.versions.node}). Start it with "npm start".\n`);
  process.exit(1);
}
export {};
