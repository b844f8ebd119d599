package dev.mmapkit.log;

import dev.mmapkit.internal.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this process can tell, by pid, that the claimer of a pending record has died, and whether
 * its own claims name it. Decided once per {@link AppendLog} open.
 *
 * <p>A pid means the same process to two processes only inside one pid namespace, so a process
 * writes its pid into its claims only if it is in the namespace {@code log.meta} records. Judging
 * another's claim needs more: the absence of {@code /proc/PID} must mean "no such process". That
 * holds only if the mounted {@code /proc} belongs to this process's pid namespace ({@code
 * /proc/self} names our own pid; after {@code unshare -p} without {@code --mount-proc} it names
 * another) and does not hide other users' processes ({@code hidepid=1/2}, {@code noaccess}, {@code
 * invisible}, {@code ptraceable}, as systemd's {@code ProtectProc} mounts it). If any of these does
 * not hold, this process never aborts another's claim: those claims wait for a process that can
 * judge them, or for the next recovery.
 */
final class ClaimOwners {
  private ClaimOwners() {}

  /** Whether this process may write its pid into claims: it is in the recorded namespace. */
  static boolean namesOwner(long recordedNamespace, long currentNamespace) {
    return currentNamespace != 0 && currentNamespace == recordedNamespace;
  }

  /** Whether this process may judge others' claims of a log whose meta records that namespace. */
  static boolean judges(long recordedNamespace) {
    String procSelf;
    String mountinfo;
    try {
      procSelf = Files.readSymbolicLink(Path.of("/proc/self")).toString();
      mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return judges(
        recordedNamespace,
        Processes.currentPidNamespace(),
        procSelf,
        Processes.currentPid(),
        mountinfo);
  }

  /**
   * {@link #judges(long)} from its inputs: the namespace {@code log.meta} records, this process's
   * namespace, the target of the {@code /proc/self} link, this process's pid and the text of {@code
   * /proc/self/mountinfo}.
   */
  static boolean judges(
      long recordedNamespace, long currentNamespace, String procSelf, long pid, String mountinfo) {
    return namesOwner(recordedNamespace, currentNamespace)
        && procIsOurs(procSelf, pid)
        && procShowsEveryPid(mountinfo);
  }

  /**
   * Whether the mounted {@code /proc} is of this process's pid namespace: its {@code self} link
   * names the pid this process has in its own namespace.
   */
  static boolean procIsOurs(String procSelf, long pid) {
    return procSelf.equals(Long.toString(pid));
  }

  /**
   * Whether {@code /proc}, as the last {@code /proc} line of {@code mountinfo} describes it, is a
   * proc file system that shows every process ({@code hidepid} absent, {@code 0} or {@code off}).
   * False if there is no such line or it is not a proc file system.
   */
  static boolean procShowsEveryPid(String mountinfo) {
    String[] procLine = null;
    for (String line : mountinfo.split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length > 4 && fields[4].equals("/proc")) procLine = fields;
    }
    if (procLine == null) return false;
    int dash = java.util.Arrays.asList(procLine).indexOf("-");
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
}
