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

  /**
   * The inode of this process's PID namespace ({@code /proc/self/ns/pid}), or 0 where unknown. Pids
   * and {@code /proc} answers are only meaningful between processes of the same namespace.
   */
  public static long currentPidNamespace() {
    try {
      Object inode = Files.getAttribute(Path.of("/proc/self/ns/pid"), "unix:ino");
      return ((Number) inode).longValue();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * The start time of {@code pid} in clock ticks since boot, or empty if it does not exist or has
   * exited (a zombie that its parent has not reaped yet).
   */
  public static OptionalLong startTime(long pid) {
    String[] fields = statFields(pid);
    if (fields == null || exited(fields)) return OptionalLong.empty();
    try {
      return OptionalLong.of(Long.parseLong(fields[22 - 3]));
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Whether the process {@code pid} that started at {@code startTime} is still running. A start
   * time of 0 means unknown: then only the pid is checked. A zombie counts as dead.
   */
  public static boolean isAlive(long pid, long startTime) {
    if (pid <= 0) return false;
    String[] fields = statFields(pid);
    if (fields == null) return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    if (exited(fields)) return false;
    OptionalLong actual = startTime(pid);
    return actual.isPresent() && (startTime == 0 || actual.getAsLong() == startTime);
  }

  /** Fields 3 onwards of {@code /proc/PID/stat} (index 0 is the state), or null. */
  private static String[] statFields(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      return null;
    }
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  /** State Z (zombie) or X (dead): the process has exited. */
  private static boolean exited(String[] fields) {
    return fields[0].equals("Z") || fields[0].equals("X");
  }
}
