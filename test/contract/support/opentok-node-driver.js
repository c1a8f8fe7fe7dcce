/**
 * Drives the official `opentok` npm package in a plain Node process for the contract tests: jest cannot load its
 * ES-module dependencies, Node itself can. Messages in: { id, op, args }; out: { id, error, value }.
 */
const OpenTok = require('opentok');

let ot = null;

const callbackOps = {
  createSession: (options, cb) =>
    ot.createSession(options, (error, session) => cb(error, session && { sessionId: session.sessionId })),
  startArchive: (sessionId, options, cb) => ot.startArchive(sessionId, options, cb),
  getArchive: (archiveId, cb) => ot.getArchive(archiveId, cb),
  stopArchive: (archiveId, cb) => ot.stopArchive(archiveId, cb),
  deleteArchive: (archiveId, cb) => ot.deleteArchive(archiveId, (error) => cb(error, null)),
  listArchives: (options, cb) =>
    ot.listArchives(options, (error, items, total) => cb(error, { items, total })),
  signal: (sessionId, connectionId, payload, cb) =>
    ot.signal(sessionId, connectionId, payload, (error) => cb(error, null)),
  forceDisconnect: (sessionId, connectionId, cb) =>
    ot.forceDisconnect(sessionId, connectionId, (error) => cb(error, null)),
};

function reply(id, error, value) {
  // Archive objects carry a config with the secret: send plain JSON fields only.
  const plain =
    value === undefined
      ? null
      : JSON.parse(JSON.stringify(value, (key, v) => (key === 'config' ? undefined : v)));
  process.send({ id, error: error ? String(error.message || error) : null, value: plain });
}

process.on('message', ({ id, op, args }) => {
  try {
    if (op === 'init') {
      ot = new OpenTok(args[0], args[1], { apiUrl: args[2] });
      reply(id, null, null);
    } else if (op === 'generateToken') {
      reply(id, null, ot.generateToken(...args));
    } else if (callbackOps[op]) {
      callbackOps[op](...args, (error, value) => reply(id, error, value));
    } else {
      reply(id, new Error(`unknown op ${op}`));
    }
  } catch (error) {
    reply(id, error);
  }
});
process.on('disconnect', () => process.exit(0));
