package dev.mmapkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
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
    String[] fields;
    try {
      fields = statFields(pid);
    } catch (NoSuchFileException e) {
      return ProcView.HIDES_PROCESSES ? Liveness.UNKNOWN : Liveness.DEAD;
    } catch (IOException | RuntimeException e) {
      return Liveness.UNKNOWN;
    }
    if (exited(fields)) return Liveness.DEAD;
    try {
      long actual = startTimeField(fields);
      return startTime == 0 || actual == startTime ? Liveness.ALIVE : Liveness.DEAD;
    } catch (RuntimeException e) {
      return Liveness.UNKNOWN;
    }
  }

  /**
   * Whether {@link #liveness} can ever answer {@link Liveness#DEAD} for a process that recorded PID
   * namespace {@code pidNamespace}: it is this process's namespace, the mounted {@code /proc} is
   * that namespace's, and {@code /proc} does not hide other users' processes.
   */
  public static boolean canProveDeath(long pidNamespace) {
    return pidNamespace != 0
        && pidNamespace == ProcView.NAMESPACE
        && ProcView.OWN_NAMESPACE
        && !ProcView.HIDES_PROCESSES;
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
        return !showsEveryPid(Files.readString(Path.of("/proc/self/mountinfo")));
      } catch (IOException | RuntimeException e) {
        return true;
      }
    }
  }

  /**
   * Whether {@code /proc}, as the last {@code /proc} line of {@code mountinfo} (the text of {@code
   * /proc/self/mountinfo}) describes it, is a proc file system that shows every process: {@code
   * hidepid} absent, {@code 0} or {@code off}, as a per-mount or a super-block option. False if
   * there is no such line or it is not a proc file system.
   */
  static boolean showsEveryPid(String mountinfo) {
    String[] procLine = null; // the last /proc mount is the one on top
    for (String line : mountinfo.split("\n")) {
      // mount-id parent major:minor root mount-point options [optional...] - fstype source options
      String[] fields = line.trim().split(" ");
      if (fields.length > 4 && fields[4].equals("/proc")) procLine = fields;
    }
    if (procLine == null) return false;
    int dash = Arrays.asList(procLine).indexOf("-");
    if (dash < 0 || procLine.length < dash + 4 || !procLine[dash + 1].equals("proc")) return false;
    for (int i = 5; i < procLine.length; i++) {
      if (i == dash) continue;
      for (String option : procLine[i].split(",")) {
        if (option.startsWith("hidepid=")) {
          String value = option.substring("hidepid=".length());
          if (!value.equals("0") && !value.equals("off")) return false;
        }
      }
    }
    return true;
  }

  /**
   * The start time of {@code pid} in clock ticks since boot, or empty if it does not exist or has
   * exited (a zombie that its parent has not reaped yet).
   */
  public static OptionalLong startTime(long pid) {
    try {
      String[] fields = statFields(pid);
      return exited(fields) ? OptionalLong.empty() : OptionalLong.of(startTimeField(fields));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Whether the process {@code pid} that started at {@code startTime} (0: unknown, then only the
   * pid is checked) may still be running, for a process known to share this process's PID
   * namespace: false only on positive evidence ({@link #liveness} says {@link Liveness#DEAD}:
   * exited, a zombie, or the pid now names a process with another start time). A process that
   * {@code /proc} cannot show (hidden by {@code hidepid}, a {@code /proc} of another namespace,
   * unreadable) counts as alive, so no caller takes anything from a live process.
   */
  public static boolean isAlive(long pid, long startTime) {
    return pid > 0 && liveness(pid, startTime, ProcView.NAMESPACE) != Liveness.DEAD;
  }

  /**
   * Fields 3 onwards of {@code /proc/PID/stat} (index 0 is the state); {@link NoSuchFileException}
   * if {@code /proc} shows no such process.
   */
  private static String[] statFields(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  /** Field 22 of {@code /proc/PID/stat}, the start time in clock ticks since boot. */
  private static long startTimeField(String[] fields) {
    return Long.parseLong(fields[22 - 3]);
  }

  /** State Z (zombie) or X (dead): the process has exited. */
  private static boolean exited(String[] fields) {
    return fields[0].equals("Z") || fields[0].equals("X");
  }
}
