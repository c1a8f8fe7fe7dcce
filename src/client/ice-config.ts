/** Which ICE servers each peer connection uses: the emulator's (ICE_SERVERS) and the page's iceConfig. */

/** OpenTok.js's iceConfig option: `includeServers: 'custom'` uses only the page's servers. */
export interface IceConfig {
  includeServers?: 'all' | 'custom';
  transportPolicy?: 'all' | 'relay';
  customServers?: RTCIceServer[];
}

export interface PeerConfiguration {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
}

/** Combines the two lists as OpenTok.js does: the page's servers are added, or replace the others. */
export function createPeerConfiguration(
  emulatorServers: RTCIceServer[],
  iceConfig: IceConfig | undefined,
): PeerConfiguration {
  const custom = iceConfig?.customServers ?? [];
  return {
    iceServers: iceConfig?.includeServers === 'custom' ? custom : [...emulatorServers, ...custom],
    iceTransportPolicy: iceConfig?.transportPolicy === 'relay' ? 'relay' : 'all',
  };
}
