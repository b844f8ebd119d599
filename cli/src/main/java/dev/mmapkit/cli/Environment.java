package dev.mmapkit.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a benchmark result depends on besides the code: the kernel, the file system and the page
 * size the mapping got. Read from {@code /proc}; every probe answers "unknown" rather than failing,
 * since a report without them is still worth having.
 */
final class Environment {
  private static final String UNKNOWN = "unknown";
  private static final Pattern VMA_HEADER = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) .*");
  private static final Pattern KB_FIELD = Pattern.compile("^(\\w+):\\s+(\\d+) kB");

  private Environment() {}

  /** The running kernel's release, e.g. {@code 6.8.0-45-generic}. */
  static String kernel() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.version", UNKNOWN);
    }
  }

  /** The type of the file system holding {@code file}, e.g. {@code ext4}, {@code tmpfs}. */
  static String filesystem(Path file) {
    try {
      return Files.getFileStore(file).type();
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  /**
   * The page size backing the mapping that contains {@code mapped}: {@code "2 MiB"} when the kernel
   * mapped any of it with PMD-sized pages ({@code FilePmdMapped} or {@code AnonHugePages} in {@code
   * /proc/self/smaps}), {@code "4 KiB"} otherwise, {@code "unknown"} when smaps is unreadable or
   * has no such mapping. Only pages already faulted in count, so touch the mapping first.
   */
  static String hugePages(MemorySegment mapped) {
    try {
      return hugePages(Files.readAllLines(Path.of("/proc/self/smaps")), mapped.address());
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  /** {@link #hugePages(MemorySegment)} on the lines of an smaps file; split out for tests. */
  static String hugePages(List<String> smaps, long address) {
    boolean inside = false;
    boolean found = false;
    long hugeKb = 0;
    for (String line : smaps) {
      Matcher header = VMA_HEADER.matcher(line);
      if (header.matches()) {
        long start = Long.parseUnsignedLong(header.group(1), 16);
        long end = Long.parseUnsignedLong(header.group(2), 16);
        if (inside) break;
        inside =
            Long.compareUnsigned(start, address) <= 0 && Long.compareUnsigned(address, end) < 0;
        found |= inside;
        continue;
      }
      if (!inside) continue;
      Matcher field = KB_FIELD.matcher(line);
      if (field.find()
          && (field.group(1).equals("FilePmdMapped") || field.group(1).equals("AnonHugePages"))) {
        hugeKb += Long.parseLong(field.group(2));
      }
    }
    if (!found) return UNKNOWN;
    return hugeKb > 0 ? "2 MiB" : "4 KiB";
  }
}
