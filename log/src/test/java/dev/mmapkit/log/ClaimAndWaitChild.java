package dev.mmapkit.log;

import java.nio.file.Path;

/**
 * Claims space for one record and never commits it: prints {@code CLAIMED <position>} and sleeps
 * until the test kills it, leaving a pending record whose claimer is dead.
 *
 * <p>Arguments: log directory.
 */
public final class ClaimAndWaitChild {
  private ClaimAndWaitChild() {}

  public static void main(String[] args) throws Exception {
    AppendLog log = AppendLog.open(Path.of(args[0]), LogConfig.defaults());
    LogClaim claim = log.claim(100);
    System.out.println("CLAIMED " + claim.position());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
