/** "Chrome on Android" from a browser's user agent, for the sessions list; '' parts left out. */
export function deviceName(userAgent: string): string {
  const browser = /Edg(e|A|iOS)?\//.test(userAgent)
    ? 'Edge'
    : /Chrome\/|CriOS\//.test(userAgent)
      ? 'Chrome'
      : /Firefox\/|FxiOS\//.test(userAgent)
        ? 'Firefox'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Browser';
  // Apple's phones and tablets say "like Mac OS X": they are asked about first. An iPad asking for the
  // desktop site says Macintosh and cannot be told from a Mac.
  const system = /iPhone|iPad|iPod/.test(userAgent)
    ? 'iOS'
    : /Windows/.test(userAgent)
      ? 'Windows'
      : /Android/.test(userAgent)
        ? 'Android'
        : /Mac OS/.test(userAgent)
          ? 'macOS'
          : /CrOS/.test(userAgent)
            ? 'ChromeOS'
            : /Linux/.test(userAgent)
              ? 'Linux'
              : '';
  return system ? `${browser} on ${system}` : browser;
}
