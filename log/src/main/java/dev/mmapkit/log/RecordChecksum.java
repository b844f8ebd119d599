package dev.mmapkit.log;

import dev.mmapkit.internal.Checksums;
import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/**
 * The checksum stored in a record: CRC32C of the payload, mixed with the record's position and
 * frame length, so that a stale record left at another position (or a header whose length was torn)
 * does not pass as valid.
 */
final class RecordChecksum {
  private RecordChecksum() {}

  static int of(long position, int frameLength, MemorySegment payload) {
    CRC32C crc = new CRC32C();
    Checksums.update(crc, payload);
    return (int) crc.getValue() ^ mix(position, frameLength);
  }

  static int of(long position, int frameLength, byte[] payload, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(payload, offset, length);
    return (int) crc.getValue() ^ mix(position, frameLength);
  }

  private static int mix(long position, int frameLength) {
    long h = (position + frameLength) * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
