// Entry point of the cold bundle: everything a cache hit never needs. `get` and `token` load it on a
// miss (obtainToken); the setup and diagnosis commands (configure, doctor, config check, help) run
// from it, so that their code never weighs on the hot entry.

export { obtainToken } from './miss.js';
export { runTool } from './tools.js';
