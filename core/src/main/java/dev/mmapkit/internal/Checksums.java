package dev.mmapkit.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.Checksum;

/**
 * Checksums over memory that may be a file mapping, without the SIGBUS crash.
 *
 * <p>{@code CRC32C.update(ByteBuffer)} on a direct buffer runs a HotSpot stub that is not protected
 * against page faults: if the mapped file was truncated, the JVM dies with SIGBUS. Copying through
 * a small heap buffer with {@link MemorySegment#copy} turns such a fault into the JDK's {@code
 * InternalError} instead. Memory that is not mapped goes to the checksum directly.
 */
public final class Checksums {
  private static final int STEP = 16 * 1024;
  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[STEP]);

  private Checksums() {}

  /** Adds the bytes of {@code memory} to {@code checksum}. */
  public static void update(Checksum checksum, MemorySegment memory) {
    if (!memory.isMapped()) {
      checksum.update(memory.asByteBuffer());
      return;
    }
    byte[] buffer = BUFFER.get();
    long size = memory.byteSize();
    for (long done = 0; done < size; ) {
      int n = (int) Math.min(STEP, size - done);
      MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, done, buffer, 0, n);
      checksum.update(buffer, 0, n);
      done += n;
    }
  }
}
