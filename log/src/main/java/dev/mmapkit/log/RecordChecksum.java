package dev.mmapkit.log;

import dev.mmapkit.internal.Checksums;
import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/**
 * The checksum stored in a record: CRC32C of the payload, mixed with the record's position, frame
 * length and timestamp, so that a stale record left at another position (or a header whose length
 * or timestamp was torn) does not pass as valid.
 */
final class RecordChecksum {
  private RecordChecksum() {}

  static int of(long position, int frameLength, long timestamp, MemorySegment payload) {
    CRC32C crc = new CRC32C();
    Checksums.update(crc, payload);
    return (int) crc.getValue() ^ mix(position, frameLength, timestamp);
  }

  static int of(
      long position, int frameLength, long timestamp, byte[] payload, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(payload, offset, length);
    return (int) crc.getValue() ^ mix(position, frameLength, timestamp);
  }

  private static int mix(long position, int frameLength, long timestamp) {
    long h = (position + frameLength) * 0x9E3779B97F4A7C15L;
    h = (h ^ (h >>> 29) ^ timestamp) * 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }
}
