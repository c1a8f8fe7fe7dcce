/**
 * Drives the official `@vonage/video` package in a plain Node process for the contract tests: jest cannot load
 * its ES-module dependencies, Node itself can. Messages in: { id, op, args }; out: { id, error, status, body, value }.
 */
const { readFileSync } = require('node:fs');
const { Video } = require('@vonage/video');

let video = null;

async function run(op, args) {
  if (op === 'init') {
    const [applicationId, privateKeyPath, videoHost] = args;
    video = new Video({ applicationId, privateKey: readFileSync(privateKeyPath) }, { videoHost });
    return null;
  }
  if (typeof video[op] !== 'function') throw new Error(`unknown op ${op}`);
  return video[op](...args);
}

/** A refusal keeps what a caller of the SDK can read of it: the status and the body. */
async function describeError(error) {
  const response = error && error.response;
  if (!response || typeof response.status !== 'number') return { error: String(error.message || error) };
  const body = await response.text().catch(() => '');
  return { error: String(error.message), status: response.status, body };
}

process.on('message', ({ id, op, args }) => {
  run(op, args).then(
    (value) => process.send({ id, error: null, value: value === undefined ? null : value }),
    async (error) => process.send({ id, ...(await describeError(error)) }),
  );
});
process.on('disconnect', () => process.exit(0));
