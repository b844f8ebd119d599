package dev.mmapkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Explains a refused mapping with the kernel limit that refused it and its current numbers. */
final class MapLimits {
  private static final Path MAX_MAP_COUNT = Path.of("/proc/sys/vm/max_map_count");
  private static final Path SELF_MAPS = Path.of("/proc/self/maps");

  private MapLimits() {}

  /** The process's current number of mappings, or -1 where /proc is not available. */
  static long mappingsInUse() {
    try (Stream<String> lines = Files.lines(SELF_MAPS)) {
      return lines.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * {@code vm.max_map_count}, or -1 where it cannot be read. Read in one call with a buffer: a
   * sysctl file reports size 0, so {@code Files.readString} first reads a single byte, and the
   * kernel ends a sysctl number at the first read that does not start at offset 0: it gave the
   * first digit alone ("6" for 65530).
   */
  static long maxMapCount() {
    try (BufferedReader reader = Files.newBufferedReader(MAX_MAP_COUNT)) {
      return Long.parseLong(String.valueOf(reader.readLine()).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Mappings left for the JVM itself: thread stacks, heap growth, code cache, other libraries. A
   * JVM that cannot map those dies, so mmapkit stops short of the limit by this much.
   */
  static final long HEADROOM = 1024;

  /** Below this many new mappings, skip the check (counting /proc/self/maps costs more). */
  static final int CHECK_FROM = 256;

  /**
   * Refuses to add {@code newMappings} mappings when that would leave fewer than {@link #HEADROOM}
   * under {@code vm.max_map_count}.
   */
  static void checkRoomFor(Path file, long newMappings, long chunkSize)
      throws MappingFailedException {
    if (newMappings < CHECK_FROM) return;
    long max = maxMapCount();
    long used = mappingsInUse();
    if (max < 0 || used < 0 || used + newMappings + HEADROOM <= max) return;
    throw new MappingFailedException(
        file,
        "mapping it needs "
            + newMappings
            + " more maps of "
            + Bytes.format(chunkSize)
            + ", but vm.max_map_count is "
            + max
            + " and "
            + used
            + " maps are in use (mmapkit keeps "
            + HEADROOM
            + " for the JVM). Raise it (sysctl -w vm.max_map_count=262144) or map with a larger"
            + " chunk size",
        null);
  }

  static MappingFailedException explain(Path file, long offset, long length, IOException failure) {
    long max = maxMapCount();
    long used = mappingsInUse();
    String range = "mapping " + Bytes.format(length) + " at offset " + offset + " failed";
    String problem;
    // Leave headroom: the JVM itself maps (thread stacks, code cache) between our attempt and now.
    if (max > 0 && used >= max - 64) {
      problem =
          range
              + ": vm.max_map_count is "
              + max
              + " and "
              + used
              + " maps are in use. Raise it (sysctl -w vm.max_map_count=262144) or map with a"
              + " larger chunk size";
    } else {
      problem =
          range
              + " ("
              + failure.getMessage()
              + "): the process may be out of address space; check ulimit -v and, with "
              + used
              + " of "
              + max
              + " maps in use, vm.max_map_count";
    }
    return new MappingFailedException(file, problem, failure);
  }
}
