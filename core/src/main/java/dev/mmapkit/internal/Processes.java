package dev.mmapkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Process identity for lock owners: a pid alone is reused, so an owner is a pid plus the process's
 * start time (clock ticks since boot, field 22 of {@code /proc/PID/stat}). Linux only; elsewhere
 * the start time is unknown and liveness falls back to {@link ProcessHandle}.
 */
public final class Processes {
  private Processes() {}

  /** This process's id. */
  public static long currentPid() {
    return ProcessHandle.current().pid();
  }

  /** This process's start time, or 0 where unknown. */
  public static long currentStartTime() {
    return startTime(currentPid()).orElse(0);
  }

  /** The start time of {@code pid} in clock ticks since boot, or empty if it does not exist. */
  public static OptionalLong startTime(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    try {
      return OptionalLong.of(Long.parseLong(fields[22 - 3]));
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Whether the process {@code pid} that started at {@code startTime} is still running. A start
   * time of 0 means unknown: then only the pid is checked.
   */
  public static boolean isAlive(long pid, long startTime) {
    if (pid <= 0) return false;
    OptionalLong actual = startTime(pid);
    if (actual.isPresent()) return startTime == 0 || actual.getAsLong() == startTime;
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
