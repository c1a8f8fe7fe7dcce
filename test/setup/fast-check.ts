/**
 * Property tests explore new random inputs on every local run, so a developer meets new cases; under CI they
 * replay one fixed seed, so a submission is judged on the same inputs every time. FC_SEED picks a seed to
 * reproduce a failure (fast-check prints it with the counterexample).
 */
import fc from 'fast-check';

const CI_SEED = 20261125;
const requested = process.env.FC_SEED;
const seed = requested !== undefined ? Number(requested) : process.env.CI ? CI_SEED : undefined;
if (seed !== undefined && Number.isFinite(seed)) fc.configureGlobal({ seed });
