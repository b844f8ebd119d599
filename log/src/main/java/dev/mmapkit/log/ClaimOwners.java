package dev.mmapkit.log;

import dev.mmapkit.internal.Processes;

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

  /**
   * Whether this process may judge others' claims of a log whose meta records that namespace: only
   * where a missing {@code /proc/PID} proves the process is gone ({@link Processes#canProveDeath}).
   */
  static boolean judges(long recordedNamespace) {
    return Processes.canProveDeath(recordedNamespace);
  }
}
