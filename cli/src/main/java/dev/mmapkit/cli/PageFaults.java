package dev.mmapkit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * This process's page-fault counters from {@code /proc/self/stat}: minor faults (the page was in
 * memory, only the page table changed) and major faults (the page had to be read from the device).
 * The counters cover every thread, so the JIT and GC add a little noise.
 *
 * @param minor field 10 of {@code /proc/self/stat}, {@code minflt}
 * @param major field 12, {@code majflt}
 */
record PageFaults(long minor, long major) {

  /** The counters now, or empty where {@code /proc/self/stat} cannot be read (not Linux). */
  static Optional<PageFaults> now() {
    try {
      return Optional.of(parse(Files.readString(Path.of("/proc/self/stat"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses a {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses and may
   * itself contain spaces and parentheses, so fields are counted from the last {@code ')'}.
   */
  static PageFaults parse(String stat) {
    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // rest[0] is field 3 (state).
    return new PageFaults(Long.parseLong(rest[10 - 3]), Long.parseLong(rest[12 - 3]));
  }

  /** The faults between {@code before} and this reading. */
  PageFaults minus(PageFaults before) {
    return new PageFaults(minor - before.minor, major - before.major);
  }
}
