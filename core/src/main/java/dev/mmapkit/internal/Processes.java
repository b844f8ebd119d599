package dev.mmapkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

  /** What {@link #liveness} can tell about a process from {@code /proc}. */
  public enum Liveness {
    /** Running: {@code /proc} shows it with the recorded start time. */
    ALIVE,
    /** Exited, or its pid now belongs to another process: positive evidence, never a guess. */
    DEAD,
    /**
     * {@code /proc} cannot tell: the process is in another (or an unknown) PID namespace, {@code
     * /proc} is not this namespace's or hides other users' processes ({@code hidepid}), or its
     * entry cannot be read. Callers must treat it as alive.
     */
    UNKNOWN
  }

  /**
   * Whether the process {@code pid} that started at {@code startTime} (0: unknown) and recorded PID
   * namespace {@code pidNamespace} (see {@link #currentPidNamespace()}) is running, judged through
   * {@code /proc}. {@link Liveness#DEAD} only on positive evidence: the process recorded this
   * process's namespace, the mounted {@code /proc} is that namespace's ({@code /proc/self} is this
   * pid), {@code /proc} does not hide processes ({@code hidepid}), and {@code /proc/PID} is
   * missing, a zombie, or has another start time. Everything else it cannot see is {@link
   * Liveness#UNKNOWN}, never dead.
   */
  public static Liveness liveness(long pid, long startTime, long pidNamespace) {
    if (pid <= 0
        || pidNamespace == 0
        || pidNamespace != ProcView.NAMESPACE
        || !ProcView.OWN_NAMESPACE) {
      return Liveness.UNKNOWN;
    }
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (NoSuchFileException e) {
      return ProcView.HIDES_PROCESSES ? Liveness.UNKNOWN : Liveness.DEAD;
    } catch (IOException | RuntimeException e) {
      return Liveness.UNKNOWN;
    }
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    if (exited(fields)) return Liveness.DEAD;
    try {
      long actual = Long.parseLong(fields[22 - 3]);
      return startTime == 0 || actual == startTime ? Liveness.ALIVE : Liveness.DEAD;
    } catch (RuntimeException e) {
      return Liveness.UNKNOWN;
    }
  }

  /** What this process's mounted {@code /proc} can be trusted to show; read once. */
  private static final class ProcView {
    static final long NAMESPACE = currentPidNamespace();

    /** {@code /proc/self} names this process: the mounted /proc is its namespace's. */
    static final boolean OWN_NAMESPACE = ownNamespace();

    /** Mounted with {@code hidepid} other than 0: other users' processes may be invisible. */
    static final boolean HIDES_PROCESSES = hidesProcesses();

    private static boolean ownNamespace() {
      try {
        return Path.of("/proc/self")
            .toRealPath()
            .getFileName()
            .toString()
            .equals(Long.toString(currentPid()));
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }

    private static boolean hidesProcesses() {
      try {
        Boolean hides = null; // the last /proc mount is the one on top
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
          // mount-id parent major:minor root mount-point options ... - fstype source super-options
          String[] halves = line.split(" - ", 2);
          String[] fields = halves[0].split(" ");
          if (halves.length < 2 || fields.length < 5 || !fields[4].equals("/proc")) continue;
          String[] tail = halves[1].split(" ");
          if (!tail[0].equals("proc")) continue;
          String options = tail.length > 2 ? "," + tail[2] + "," : "";
          hides =
              options.contains(",hidepid=")
                  && !options.contains(",hidepid=0,")
                  && !options.contains(",hidepid=off,");
        }
        return hides == null || hides; // no /proc mount found: nothing it shows can be trusted
      } catch (IOException | RuntimeException e) {
        return true;
      }
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
