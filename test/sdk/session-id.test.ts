/** Session ID decoding against the IDs recorded from the platform (docs/platform.md §3). */
import { decodeSessionId } from '../../src/sdk/session-id';

describe('decodeSessionId', () => {
  it.each([
    [
      '1_MX4xMjM0NTZ-fk1vbiBNYXIgMTcgMDA6NDE6MzEgUERUIDIwMTR-MC42ODM3ODk1MzQ0OTQyODA4fg',
      { version: '1', apiKey: '123456', location: '', createTime: 'Mon Mar 17 00:41:31 PDT 2014' },
    ],
    [
      '1_MX40NjI2NDk1Mn5-MTYyMjAyODA3OTgwOH44Tmd0VXR3dGlVdG1ZYjVpeDVXNGxMOGN-fg',
      { version: '1', apiKey: '46264952', location: '', createTime: '1622028079808' },
    ],
    [
      '2_MX40NzIwMzJ-flR1ZSBPY3QgMjkgMTI6MTM6MjMgUERUIDIwMTN-MC45NDQ2MzE2NH4',
      { version: '1', apiKey: '472032', location: '', createTime: 'Tue Oct 29 12:13:23 PDT 2013' },
    ],
  ])('%s', (sessionId, expected) => {
    expect(decodeSessionId(sessionId)).toEqual(expected);
  });

  it('keeps the location hint of a session created with one', () => {
    const id = `1_${Buffer.from('1~123456~12.34.56.78~1622028079808~abc~~').toString('base64url')}`;
    expect(decodeSessionId(id)).toMatchObject({ apiKey: '123456', location: '12.34.56.78' });
  });

  it.each(['', 'x', 'SESSIONID', '1_bm90IGEgc2Vzc2lvbg'])('%j is not a session ID', (sessionId) => {
    expect(decodeSessionId(sessionId)).toBeUndefined();
  });
});
