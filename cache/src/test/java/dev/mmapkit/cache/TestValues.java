package dev.mmapkit.cache;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Self-checking values: key, round and a filler, with a CRC32C of the rest in the last 4 bytes, so
 * a test can tell a whole value from a torn or mixed one without knowing which round wrote it.
 */
final class TestValues {
  private TestValues() {}

  static byte[] key(int i) {
    return String.format("key-%012d", i).getBytes(StandardCharsets.US_ASCII);
  }

  /** A value of {@code length} (≥ 12) bytes for key {@code i} written in {@code round}. */
  static byte[] value(int i, int round, int length) {
    byte[] v = new byte[length];
    int r = round & 0xFF;
    for (int b = 0; b < length - 4; b++) v[b] = (byte) (i * 31 + r * 7 + b);
    v[0] = (byte) i;
    v[1] = (byte) (i >>> 8);
    v[2] = (byte) (i >>> 16);
    v[3] = (byte) round;
    int crc = crc(v, length - 4);
    v[length - 4] = (byte) crc;
    v[length - 3] = (byte) (crc >>> 8);
    v[length - 2] = (byte) (crc >>> 16);
    v[length - 1] = (byte) (crc >>> 24);
    return v;
  }

  /** Whether {@code v} is a whole value of key {@code i} from some round. */
  static boolean isWhole(int i, byte[] v) {
    if (v.length < 12) return false;
    if ((v[0] & 0xFF) != (i & 0xFF) || (v[1] & 0xFF) != ((i >>> 8) & 0xFF)) return false;
    return Arrays.equals(v, value(i, v[3] & 0xFF, v.length));
  }

  private static int crc(byte[] v, int length) {
    CRC32C c = new CRC32C();
    c.update(v, 0, length);
    return (int) c.getValue();
  }
}
