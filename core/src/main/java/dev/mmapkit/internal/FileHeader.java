package dev.mmapkit.internal;

import dev.mmapkit.FileFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The header every file mmapkit creates starts with, so that files describe themselves and a wrong,
 * truncated or corrupted file is refused with a precise message.
 *
 * <p>Layout (little-endian), one {@link #SIZE} region at offset 0; the rest of the region is zero
 * and the file's own layout starts at {@link #SIZE}:
 *
 * <table>
 *   <caption>mmapkit file header</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>8</td><td>magic {@code "MMAPKIT\0"} ({@link #MAGIC})</td></tr>
 *   <tr><td>8</td><td>4</td><td>kind: four ASCII letters, e.g. {@code "RING"}, {@code "LOG "}</td></tr>
 *   <tr><td>12</td><td>4</td><td>format version of that kind</td></tr>
 *   <tr><td>16</td><td>8</td><td>creation time, epoch milliseconds</td></tr>
 *   <tr><td>24</td><td>8</td><td>creator process id</td></tr>
 *   <tr><td>32</td><td>4</td><td>number of layout parameters, n ≤ {@link #MAX_PARAMETERS}</td></tr>
 *   <tr><td>36</td><td>4</td><td>CRC32C of bytes [0, 40 + 8n) with this field read as 0</td></tr>
 *   <tr><td>40</td><td>8n</td><td>layout parameters (capacities, sizes: meaning per kind)</td></tr>
 * </table>
 *
 * @param kind four ASCII letters naming the file kind
 * @param version the format version of that kind
 * @param createdMillis when the file was created
 * @param creatorPid the process that created it
 * @param parameters the kind's layout parameters
 */
public record FileHeader(
    String kind, int version, long createdMillis, long creatorPid, long[] parameters) {

  /** Bytes reserved for the header: one 4 KiB page, so the body starts page-aligned. */
  public static final long SIZE = 4096;

  /** {@code "MMAPKIT\0"} read as a little-endian long. */
  public static final long MAGIC = 0x0054494B50414D4DL;

  /** The most layout parameters a header holds. */
  public static final int MAX_PARAMETERS = 64;

  static final long MAGIC_OFFSET = 0,
      KIND_OFFSET = 8,
      VERSION_OFFSET = 12,
      CREATED_OFFSET = 16,
      PID_OFFSET = 24,
      COUNT_OFFSET = 32,
      CHECKSUM_OFFSET = 36,
      PARAMETERS_OFFSET = 40;

  private static final ValueLayout.OfInt INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /**
   * @throws IllegalArgumentException if the kind is not four ASCII characters or there are too many
   *     parameters
   */
  public FileHeader {
    if (kind.length() != 4 || !kind.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
      throw new IllegalArgumentException("kind must be 4 ASCII characters, was '" + kind + "'");
    }
    if (parameters.length > MAX_PARAMETERS) {
      throw new IllegalArgumentException("at most " + MAX_PARAMETERS + " parameters");
    }
    parameters = parameters.clone();
  }

  /** A header for a file created now by this process. */
  public static FileHeader createdNow(String kind, int version, long... parameters) {
    return new FileHeader(
        kind, version, System.currentTimeMillis(), ProcessHandle.current().pid(), parameters);
  }

  @Override
  public long[] parameters() {
    return parameters.clone();
  }

  /** Layout parameter {@code index}. */
  public long parameter(int index) {
    return parameters[index];
  }

  /** Writes this header at the start of {@code file} (at least {@link #SIZE} bytes). */
  public void writeTo(MemorySegment file) {
    file.asSlice(0, SIZE).fill((byte) 0);
    file.set(LONG, MAGIC_OFFSET, MAGIC);
    for (int i = 0; i < 4; i++)
      file.set(ValueLayout.JAVA_BYTE, KIND_OFFSET + i, (byte) kind.charAt(i));
    file.set(INT, VERSION_OFFSET, version);
    file.set(LONG, CREATED_OFFSET, createdMillis);
    file.set(LONG, PID_OFFSET, creatorPid);
    file.set(INT, COUNT_OFFSET, parameters.length);
    for (int i = 0; i < parameters.length; i++)
      file.set(LONG, PARAMETERS_OFFSET + 8L * i, parameters[i]);
    file.set(INT, CHECKSUM_OFFSET, checksum(file, parameters.length));
  }

  /**
   * Reads and validates the header of {@code file}, a mapping of the whole file at {@code path}.
   *
   * @param expectedKind the kind the caller can open
   * @param supportedVersion the format version the caller reads
   * @throws FileFormatException naming the path and the first thing that is wrong: too short, not
   *     an mmapkit file, another kind, another version, a checksum mismatch
   */
  public static FileHeader readFrom(
      MemorySegment file, Path path, String expectedKind, int supportedVersion)
      throws FileFormatException {
    if (file.byteSize() < SIZE) {
      throw new FileFormatException(
          path,
          "file is "
              + file.byteSize()
              + " bytes, shorter than the "
              + SIZE
              + "-byte header: truncated, or not an mmapkit file");
    }
    long magic = file.get(LONG, MAGIC_OFFSET);
    if (magic != MAGIC) {
      throw new FileFormatException(
          path,
          "not an mmapkit file (first bytes 0x" + Long.toHexString(Long.reverseBytes(magic)) + ")");
    }
    StringBuilder kind = new StringBuilder(4);
    for (int i = 0; i < 4; i++)
      kind.append((char) (file.get(ValueLayout.JAVA_BYTE, KIND_OFFSET + i) & 0xFF));
    int count = file.get(INT, COUNT_OFFSET);
    if (count < 0 || count > MAX_PARAMETERS) {
      throw new FileFormatException(path, "corrupted header: " + count + " layout parameters");
    }
    int stored = file.get(INT, CHECKSUM_OFFSET);
    int computed = checksum(file, count);
    if (stored != computed) {
      throw new FileFormatException(
          path,
          "corrupted header: checksum 0x"
              + Integer.toHexString(stored)
              + " does not match its contents (0x"
              + Integer.toHexString(computed)
              + ")");
    }
    if (!kind.toString().equals(expectedKind)) {
      throw new FileFormatException(
          path,
          "is a '" + kind.toString().trim() + "' file, not a '" + expectedKind.trim() + "' file");
    }
    int version = file.get(INT, VERSION_OFFSET);
    if (version != supportedVersion) {
      throw new FileFormatException(
          path,
          "'"
              + expectedKind.trim()
              + "' format version "
              + version
              + "; this mmapkit reads version "
              + supportedVersion);
    }
    long[] parameters = new long[count];
    for (int i = 0; i < count; i++) parameters[i] = file.get(LONG, PARAMETERS_OFFSET + 8L * i);
    return new FileHeader(
        kind.toString(),
        version,
        file.get(LONG, CREATED_OFFSET),
        file.get(LONG, PID_OFFSET),
        parameters);
  }

  private static int checksum(MemorySegment file, int count) {
    CRC32C crc = new CRC32C();
    Checksums.update(crc, file.asSlice(0, CHECKSUM_OFFSET));
    crc.update(new byte[4]);
    Checksums.update(crc, file.asSlice(PARAMETERS_OFFSET, 8L * count));
    return (int) crc.getValue();
  }
}
