/** describeFailure: what the user reads for each error class, never the SDK's developer wording. */
import { describeFailure } from '../../src/app/errors';
import { explainRefusal } from '../../src/app/archiving/platform-refusals';
import { ArchiveError, ArgumentError, AuthenticationError } from '../../src/sdk';

const sdkMessage =
  'Cannot stop archive abc (404): no archive has this ID — check the archive ID (archives.all() lists the archives). Platform message: "Not found".';

describe('describeFailure', () => {
  it('keeps the status of an archive refusal no route worded, with a neutral sentence', () => {
    const failure = describeFailure(new ArchiveError({ message: sdkMessage, status: 404 }));
    expect(failure).toEqual({
      status: 404,
      message: 'The video platform refused this request. Reload the page and try again.',
      title: 'Not found',
    });
  });

  it('answers an SDK argument refusal with 400 in words, keeping its parameter names for the log', () => {
    const failure = describeFailure(
      new ArgumentError({
        message: 'hasAudio and hasVideo cannot both be false: an archive must record something',
      }),
    );
    expect(failure.status).toBe(400);
    expect(failure.message).toMatch(/^The app could not send this to the video platform/);
    expect(failure.message).not.toMatch(/hasAudio|hasVideo/);
  });

  it('answers a refusal without a 4xx status as 400', () => {
    expect(describeFailure(new ArchiveError({ message: sdkMessage })).status).toBe(400);
  });

  it('answers rejected credentials with 502 and what to check, not the platform’s words', () => {
    const failure = describeFailure(
      new AuthenticationError({
        message: 'Cannot list archives (403): … Platform message: "Issuer not found".',
        status: 403,
      }),
    );
    expect(failure).toMatchObject({ status: 502, title: 'Platform credentials rejected' });
    expect(failure.message).toMatch(
      /^The platform rejected the app's credentials — check API_KEY\/API_SECRET/,
    );
    expect(failure.message).not.toContain('Issuer');
  });
});

describe('explainRefusal', () => {
  it.each([
    ['stop', 404, 404, 'That recording no longer exists.'],
    ['stop', 409, 409, 'That recording is not recording any more.'],
    ['download', 404, 404, 'That recording no longer exists.'],
    ['delete', 404, 404, 'That recording no longer exists'],
    ['delete', 409, 409, 'This recording cannot be deleted yet'],
    ['start', 409, 409, 'This session is already being recorded.'],
    ['list', 404, 502, 'The video platform does not know this project'],
  ] as const)('%s refused with %i answers %i: "%s…"', (action, platform, status, words) => {
    const cause = new ArchiveError({ message: sdkMessage, status: platform });
    const explained = explainRefusal(action, cause);
    const failure = describeFailure(explained);
    expect(failure.status).toBe(status);
    expect(failure.message.startsWith(words)).toBe(true);
    expect(failure.message).not.toMatch(/Platform message|archives\.all|abc/);
    expect((explained as Error).cause).toBe(cause);
  });

  it('leaves other errors and unlisted statuses to the error handler', () => {
    const timeout = new Error('socket hang up');
    expect(explainRefusal('stop', timeout)).toBe(timeout);
    const unlisted = new ArchiveError({ message: sdkMessage, status: 409 });
    expect(explainRefusal('download', unlisted)).toBe(unlisted);
  });
});
